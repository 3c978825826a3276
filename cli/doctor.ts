/**
 * `civicnet doctor`: checks a deployment (doctor/) and prints one line per check; exit 1
 * when any check FAILs, 2 for bad flags.
 */
import { formatCheck, runDoctor } from '../doctor/index.ts'
import { UsageError } from './flags.ts'
import type { Command } from './main.ts'

const USAGE = `usage: civicnet doctor [--sample N] [--json]

Checks this deployment with the environment civicnet serve and collect read (CIVICNET_DATA_DIR,
INFLUX_*, CIVICNET_SPOOL_DIR, CIVICNET_SNMP_*), one line per check: ok, warn, FAIL or skip, and
what to do. Exit 1 when any check FAILs.

  store        reachable and writable: a probe point written to civicnet_doctor, read back
               (and deleted on 1.x); DuckDB: the file is there
  retention    1.x: every retention policy the store uses (INFLUX_RP, INFLUX_RP_5M/_1H/_1D) exists;
               warns when the raw one keeps less than 400 days (the grant report reads a year of raw data)
  clock        skew against InfluxDB's Date header on /ping: warn at 5 s, FAIL at 60 s
  app state    state.sqlite opens read-only, its schema is current, it holds an inventory
  spool        files and bytes waiting in CIVICNET_SPOOL_DIR (default $CIVICNET_DATA_DIR/spool):
               warn when any, FAIL from 80 % of CIVICNET_SPOOL_MAX_BYTES
  disk         free space where the spool lives: FAIL when the spool could not reach its limit
  credentials  every credential reference of the SNMP-polled devices resolves (never printed)
  snmp sample  N random SNMP-polled devices answer a GET of sysUpTime.0 (one try, 1.5 s)

  --sample N   devices in the SNMP sample (default 5, 0 to skip)
  --json       print { ok, checks: [{ check, status, message, fix }] } instead of lines`

function parse(args: string[]): { sample: number; json: boolean } {
  let sample = 5
  let json = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--json') json = true
    else if (a === '--sample' || a.startsWith('--sample=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i]
      if (v === undefined || !/^\d+$/.test(v) || Number(v) > 1000) throw new UsageError(`--sample needs a whole number 0..1000, got '${v ?? ''}'`)
      sample = Number(v)
    } else throw new UsageError(`unknown option '${a}'`)
  }
  return { sample, json }
}

export const command: Command = {
  summary: 'check a deployment: store, retention, app state, clock, spool, disk, credentials, SNMP sample',
  usage: USAGE,
  async run(args) {
    let o
    try {
      o = parse(args)
    } catch (err) {
      console.error(`civicnet doctor: ${(err as Error).message} (see --help)`)
      return 2
    }
    const results = (await runDoctor(process.env, { sample: o.sample })).filter((r) => o.sample > 0 || r.check !== 'snmp sample')
    const failed = results.some((r) => r.status === 'FAIL')
    if (o.json) console.log(JSON.stringify({ ok: !failed, checks: results }, null, 2))
    else for (const r of results) console.log(formatCheck(r))
    return failed ? 1 : 0
  },
}
