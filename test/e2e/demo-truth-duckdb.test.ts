import { startDemo } from '../support/demo.ts'
import { demoTruthSuite } from './demo-truth.ts'

// 12 hours of 5-minute history (144 polls of every agent, each compared; the demo's first
// start fills 2 days the same way), live polls once a minute (the test makes its own round
// of fresh polls)
demoTruthSuite('the embedded DuckDB store', 'duckdb', 11, () => startDemo({ historyHours: 12, historyStepMs: 300_000, pollIntervalMs: 60_000 }))
