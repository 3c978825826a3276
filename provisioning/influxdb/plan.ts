/**
 * What CivicNet provisions, and why. The store (store/influx) writes every measurement (raw
 * samples, rollup_5m/1h/1d, events, station sightings) into ONE retention policy (INFLUX_RP,
 * else the database default), and keeps its rollup coverage as a point at time 0. So:
 * - one retention policy, not one per tier: per-tier policies would sit unused;
 * - infinite duration: a finite policy rejects the time-0 coverage point ("points beyond
 *   retention policy", measured on influxd 1.6.7), and the grant report reads raw device_up
 *   and station sightings over a whole reporting year, so raw data must outlive the year.
 * Shard groups of 7 days are InfluxDB's own default for policies longer than 6 months.
 */

/** The retention CivicNet needs, in InfluxQL and as 1.x reports it in SHOW RETENTION POLICIES. */
export const CIVICNET_RETENTION = Object.freeze({
  duration: 'INF',
  durationShown: '0s',
  shardDuration: '7d',
  shardDurationShown: '168h0m0s',
})

/** Where the store's data goes: the database (1.x, 3.x; 2.x: the DBRP database) and policy name. */
export interface InfluxTarget {
  /** INFLUX_DB, default 'civicnet' */
  database: string
  /** INFLUX_RP, default 'civicnet' (1.x policy; 2.x DBRP retention_policy; unused on 3.x) */
  retentionPolicy: string
}

/** What one step did. 'checked': a probe that changes nothing lasting. */
export interface SetupStep {
  outcome: 'created' | 'changed' | 'unchanged' | 'checked'
  what: string
}

/** The store's environment for this target, for the closing hint (never a secret). */
export function storeEnvHint(url: string, target: InfluxTarget, generation: 1 | 2 | 3): string {
  const rp = generation === 3 ? '' : ` INFLUX_RP=${target.retentionPolicy}`
  return `store settings for civicnet collect/serve: INFLUX_URL=${url} INFLUX_DB=${target.database}${rp}${generation === 1 ? ' (+ INFLUX_USERNAME/INFLUX_PASSWORD)' : ' INFLUX_TOKEN=<a token with read and write on it>'}`
}
