import { startDemo } from '../support/demo.ts'
import { demoTruthSuite } from './demo-truth.ts'

// a whole day of 5-minute history (the daily shape of the simulated city), every poll compared;
// live polls every minute (the test makes its own round of fresh polls)
demoTruthSuite('the embedded DuckDB store', 'duckdb', 20, () => startDemo({ historyDays: 1, historyStepMs: 300_000, pollIntervalMs: 60_000 }))
