/**
 * The whole demo (simulated city + collector + store + API + web build) for tests that
 * need every part for real: cli/demo.ts's startDemo on a temp data dir, free ports,
 * agents on free ports, a short history and a short poll interval.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { startDemo as start, loadDemoConfig, type Demo } from '../../cli/demo.ts'

export interface TestDemo extends Demo {
  /** an engineer-capable token (the demo admin token) */
  token: string
  /** makes one device stop answering (the simulator's device-down fault) */
  failAp(id: string): Promise<void>
  close(): Promise<void>
}

export async function startDemo(
  opts: { pollIntervalMs?: number; historyDays?: number; /** instead of historyDays */ historyHours?: number; historyStepMs?: number; /** e.g. { INFLUX_URL } to run on InfluxDB */ env?: Record<string, string> } = {},
): Promise<TestDemo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'civicnet-demo-'))
  const env = {
    CIVICNET_DATA_DIR: dataDir,
    PORT: '0',
    CIVICNET_SIM_CONTROL_PORT: '0',
    CIVICNET_TRAP_PORT: '0',
    CIVICNET_DEMO_EPHEMERAL_PORTS: '1',
    ...(opts.historyHours !== undefined ? { CIVICNET_DEMO_HISTORY_HOURS: String(opts.historyHours) } : { CIVICNET_DEMO_HISTORY_DAYS: String(opts.historyDays ?? 1) }),
    CIVICNET_DEMO_HISTORY_STEP_MS: String(opts.historyStepMs ?? 3_600_000),
    CIVICNET_COLLECT_INTERVAL_MS: String(opts.pollIntervalMs ?? 5000),
    // a new failure waits one poll interval and a second for the devices above it, not the
    // default 15 s more: tests see an incident soon after its fault
    CIVICNET_INCIDENT_SETTLE_MS: String((opts.pollIntervalMs ?? 5000) + 1000),
    ...opts.env,
  }
  const log = pino({ level: process.env.CIVICNET_TEST_LOG ?? 'warn' })
  let demo: Demo
  try {
    demo = await start(loadDemoConfig(env), log)
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  const stopDemo = demo.stop
  const close = async () => {
    await stopDemo()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return Object.assign(demo, {
    async failAp(id: string) {
      demo.city.faults.inject({ type: 'device-down', target: id })
    },
    close,
    stop: close,
  })
}
