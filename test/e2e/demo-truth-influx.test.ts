import { startDemo } from '../support/demo.ts'
import { startInfluxd, type Influxd } from '../support/influxd.ts'
import { demoTruthSuite } from './demo-truth.ts'

// INFLUX_URL set: the same demo, the same numbers, on a real influxd
let influx: Influxd | undefined
demoTruthSuite(
  'InfluxDB (INFLUX_URL)',
  'influxdb',
  async () => {
    influx = await startInfluxd()
    return startDemo({ historyDays: 1, historyStepMs: 300_000, pollIntervalMs: 5000, env: { INFLUX_URL: influx.url } })
  },
  async () => {
    await influx?.stop()
  },
)
