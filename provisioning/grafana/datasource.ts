/**
 * The one Grafana datasource CivicNet's dashboards query: InfluxDB with InfluxQL, under a
 * fixed uid so every panel names it and both the file provisioning (datasources/*.yaml)
 * and `civicnet provision grafana` create the same one. 1.x authenticates with a user and
 * password; 2.x and 3.x take InfluxQL through their v1 API with an `Authorization: Token …`
 * header, which Grafana sends from `jsonData.httpHeaderName1` and
 * `secureJsonData.httpHeaderValue1` (Grafana's "Provision InfluxDB" examples).
 */
import type * as common from '@grafana/grafana-foundation-sdk/common'

/** The datasource uid every dashboard panel and variable names. */
export const DATASOURCE_UID = 'civicnet-influxdb'
/** The datasource name shown in Grafana. */
export const DATASOURCE_NAME = 'CivicNet InfluxDB'
/** How a panel names the datasource. */
export const DATASOURCE_REF: common.DataSourceRef = { type: 'influxdb', uid: DATASOURCE_UID }

/** Where the datasource points and how it signs in (secrets are sent, never printed). */
export interface DatasourceSettings {
  /** the InfluxDB URL as Grafana's server reaches it */
  url: string
  /** 1.x database, or the database name mapped to a 2.x bucket (DBRP) / a 3.x database */
  database: string
  /** 1.x: user and password (the password goes into secureJsonData) */
  user?: string
  password?: string
  /** 2.x / 3.x: the token, sent as `Authorization: Token <token>` */
  token?: string
}

/** The body of POST /api/datasources and PUT /api/datasources/uid/:uid. */
export interface DatasourceBody {
  uid: string
  name: string
  type: 'influxdb'
  access: 'proxy'
  url: string
  user: string
  basicAuth: false
  isDefault: false
  jsonData: { version: 'InfluxQL'; dbName: string; httpMode: 'POST'; httpHeaderName1?: 'Authorization' }
  secureJsonData?: { password?: string; httpHeaderValue1?: string }
}

/** What the command sends for these settings. */
export function datasourceBody(s: DatasourceSettings): DatasourceBody {
  const secure: NonNullable<DatasourceBody['secureJsonData']> = {}
  if (s.password !== undefined) secure.password = s.password
  if (s.token !== undefined) secure.httpHeaderValue1 = `Token ${s.token}`
  return {
    uid: DATASOURCE_UID,
    name: DATASOURCE_NAME,
    type: 'influxdb',
    access: 'proxy',
    url: s.url,
    user: s.user ?? '',
    basicAuth: false,
    isDefault: false,
    // POST keeps long InfluxQL out of URLs and proxy logs
    jsonData: { version: 'InfluxQL', dbName: s.database, httpMode: 'POST', ...(s.token !== undefined ? { httpHeaderName1: 'Authorization' as const } : {}) },
    ...(Object.keys(secure).length ? { secureJsonData: secure } : {}),
  }
}
