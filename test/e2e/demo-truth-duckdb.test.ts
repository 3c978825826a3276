import { startDemo } from '../support/demo.ts'
import { demoTruthSuite } from './demo-truth.ts'

demoTruthSuite('the embedded DuckDB store', 'duckdb', () => startDemo({ historyDays: 1, historyStepMs: 300_000, pollIntervalMs: 5000 }))
