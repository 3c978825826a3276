/**
 * `civicnet provision grafana|influxdb`: sets up the services CivicNet drops into.
 * Each target lives in its own module, loaded only when called.
 */
import type { Command } from './main.ts'

const USAGE = `usage: civicnet provision <target> [options]

targets:
  grafana    the InfluxDB datasource, a folder and CivicNet's dashboards, through Grafana's HTTP API
  influxdb   the database and retention policies (1.x), buckets and DBRP mappings (2.x), the database (3.x)

civicnet provision <target> --help shows the target's options.`

export const command: Command = {
  summary: 'set up Grafana (datasource, dashboards) or InfluxDB (database, retention) for CivicNet',
  usage: USAGE,
  subcommandHelp: true,
  async run(args) {
    const [target, ...rest] = args
    if (target === 'grafana') {
      const m = await import('./provision-grafana.ts')
      if (rest.includes('--help') || rest.includes('-h')) return console.log(m.PROVISION_GRAFANA_USAGE), 0
      return m.runProvisionGrafana(rest)
    }
    if (target === 'influxdb') {
      const m = await import('./provision-influxdb.ts')
      if (rest.includes('--help') || rest.includes('-h')) return console.log(m.PROVISION_INFLUXDB_USAGE), 0
      return m.runProvisionInfluxdb(rest)
    }
    console.error(target ? `civicnet provision: unknown target '${target}' (grafana or influxdb)` : USAGE)
    return 2
  },
}
