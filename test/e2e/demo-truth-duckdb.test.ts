import { startDemo } from '../support/demo.ts'
import { demoTruthSuite } from './demo-truth.ts'

demoTruthSuite('the embedded DuckDB store', 'duckdb', () => startDemo({ historyDays: 1, pollIntervalMs: 5000 }))
