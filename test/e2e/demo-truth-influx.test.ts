import { startDemo } from '../support/demo.ts'
import { startInfluxd, type Influxd } from '../support/influxd.ts'
import { demoTruthSuite } from './demo-truth.ts'

// INFLUX_URL set: the same demo, the same numbers, on a real influxd; 6 hours of 5-minute
// history (12 hours on DuckDB: the same code above the store)
let influx: Influxd | undefined
demoTruthSuite(
  'InfluxDB (INFLUX_URL)',
  'influxdb',
  5,
  async () => {
    influx = await startInfluxd()
    return startDemo({ historyHours: 6, historyStepMs: 300_000, pollIntervalMs: 60_000, env: { INFLUX_URL: influx.url } })
  },
  async () => {
    await influx?.stop()
  },
)
