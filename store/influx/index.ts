/**
 * The InfluxDB metric store: our own batching line-protocol writer to v1 /write, and
 * InfluxQL over v1 /query through the `influx` client (node-influx). The v1 API is the one
 * 1.x serves natively and 2.x / 3.x serve through their compatibility layer.
 *
 * Layout: one measurement per metric, tags device, neighborhood, instance, field `value`
 * (float), precision ms. Rollups in measurements rollup_5m / rollup_1h / rollup_1d with tags
 * metric, device, neighborhood, instance and float fields count, sum, min, max. Events in
 * civicnet_events; how far each tier is computed in civicnet_rollup_state.
 *
 * Retention policies (policies.ts): raw samples, events and sightings in the raw policy,
 * each rollup tier and its civicnet_rollup_state point in that tier's policy. Every write
 * names its policy (`rp=`), every query names it in FROM (`"db"."rp"."measurement"`), so
 * one request can read several policies. SHOW MEASUREMENTS lists the whole database.
 */
import { createHash } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import { InfluxDB } from 'influx'
import type { IResults } from 'influx'
import type { DeviceEvent, SeriesPoint, StationSighting } from '../../core/metrics.ts'
import { ROLLUP_TIERS } from '../types.ts'
import type { LatestValue, MetricStore, RollupRow, RollupTier, SeriesFilter } from '../types.ts'
import {
  DEFAULT_INSTANT_MS, RESERVED_METRICS, StoreUnavailableError, ceilTo, checkPointCount, floorTo, mergeCoverage, pickSource, rollupSpan,
  sortPoints, tierMs, validateAggregate, validateEvent, validateEventQuery, validateFilter, validateLatest, validateRange, validateSample,
  validateSighting, validateSightingQuery,
} from '../query.ts'
import { decodeValue, line, lpFloat, lpString, qlIdent, qlIn, qlString, seriesPrefix } from './lineprotocol.ts'
import { goDurationMs, storePolicies } from './policies.ts'
import type { PolicyPart, RetentionPolicyConfig } from './policies.ts'
import { createLineWriter } from './writer.ts'
import type { LineWriter, LineWriterConfig } from './writer.ts'

export interface InfluxStoreConfig extends RetentionPolicyConfig {
  /** e.g. http://127.0.0.1:8086 */
  url: string
  /** 1.x database; on 2.x/3.x the database name mapped to a bucket (DBRP) */
  database: string
  /** 1.x credentials (Basic auth) */
  username?: string
  password?: string
  /** 2.x/3.x token, sent as `Authorization: Token …`; no DDL is attempted with a token */
  token?: string
  /** poll-instant bucket for per-instant group totals, ms (default 60000) */
  instantMs?: number
  /** writer tuning: batchSize, flushIntervalMs, maxInFlight, maxRetries, retryBaseMs, retryMaxMs, timeoutMs */
  writer?: Omit<LineWriterConfig, 'url' | 'database' | 'retentionPolicy' | 'headers'>
}

const MEASUREMENT: Record<RollupTier, string> = { '5m': 'rollup_5m', '1h': 'rollup_1h', '1d': 'rollup_1d' }
const EVENTS = 'civicnet_events'
const STATE = 'civicnet_rollup_state'
const SIGHTINGS = 'civicnet_sightings'

/**
 * A sighting's timestamp, in ns: the period's start plus 52 bits of the digest. Points of one
 * series (scope, period, device, neighborhood, randomized) and time are one point on
 * InfluxDB, so this gives the set semantics: the same digest lands on the same point, and two
 * digests collide only when 52 bits of two HMACs agree (for an AP's ~200 stations a day,
 * about 4e-12 per AP and day). The period start is the UTC midnight of its first date, so
 * every point stays within 52 days of its period for retention and shards.
 */
function sightingNs(s: StationSighting): bigint {
  const first = s.scope === 'day' ? s.period : s.scope === 'month' ? `${s.period}-01` : `${s.period.slice(0, 4)}-${String(3 * Number(s.period.slice(5)) - 2).padStart(2, '0')}-01`
  return BigInt(Date.parse(`${first}T00:00:00Z`)) * 1_000_000n + BigInt('0x' + s.digest.slice(0, 13))
}

type Row = Record<string, unknown> & { time: number }
interface Series { name: string; tags: Record<string, string>; rows: Row[] }

/** Flattens node-influx's raw JSON into series with decoded names and tags. */
function seriesOf(raw: IResults<unknown>): Series[][] {
  const results = (raw as unknown as { results: { series?: { name?: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[]; error?: string }[] }).results
  return results.map((r) => {
    if (r.error) throw new Error(r.error)
    return (r.series ?? []).map((s) => ({
      name: decodeValue(s.name ?? ''),
      tags: Object.fromEntries(Object.entries(s.tags ?? {}).map(([k, v]) => [k, decodeValue(v ?? '')])),
      rows: s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]])) as Row),
    }))
  })
}

const ms = (t: number) => `${t}ms`
const tag = (s: Series, row: Row, k: string): string => s.tags[k] ?? (typeof row[k] === 'string' ? decodeValue(row[k] as string) : '')

function filterQl(where: SeriesFilter | undefined): string {
  return qlIn('neighborhood', where?.neighborhood) + qlIn('device', where?.device) + qlIn('instance', where?.instance)
}

export async function openInfluxStore(config: InfluxStoreConfig): Promise<MetricStore> {
  const instantMs = config.instantMs ?? DEFAULT_INSTANT_MS
  if (!Number.isSafeInteger(instantMs) || instantMs <= 0 || 300_000 % instantMs !== 0) {
    throw new StoreUnavailableError(`instantMs must be a positive divisor of 300000 (the 5m tier), got ${instantMs}`)
  }
  const url = new URL(config.url)
  const headers: Record<string, string> = {}
  if (config.token) headers.authorization = `Token ${config.token}`
  else if (config.username) headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`
  const agent = new (url.protocol === 'https:' ? https : http).Agent({ keepAlive: true, maxSockets: 8 })
  // node-influx sends Basic root:root unless told otherwise, which would override a token:
  // 1.x credentials go through its own option; with a token (or none) username is null,
  // which its defaults() leaves alone, so it sends no Authorization of its own.
  const client = new InfluxDB({
    hosts: [{
      host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), protocol: url.protocol.replace(':', '') as 'http' | 'https',
      options: { headers: config.token ? { Authorization: `Token ${config.token}` } : {}, agent } as never,
    }],
    database: config.database,
    ...(!config.token && config.username ? { username: config.username, password: config.password ?? '' } : { username: null as never, password: null as never }),
  })
  const sliceSize = config.writer?.batchSize ?? 5000
  const policies = storePolicies(config)
  // one writer per (policy, precision): parts that share a policy share its batches
  const writers = new Map<string, LineWriter>()
  const writerOf = (part: PolicyPart, precision: 'ms' | 'ns' = 'ms'): LineWriter => {
    const rp = policies[part]
    const key = `${precision}\u0000${rp ?? ''}`
    let w = writers.get(key)
    if (!w) writers.set(key, (w = createLineWriter({ ...config.writer, url: config.url, database: config.database, retentionPolicy: rp, headers, precision })))
    return w
  }
  const writer = writerOf('raw')
  /** A measurement of one part, fully qualified when its policy is named. */
  const qualified = (part: PolicyPart, measurement: string): string => {
    const rp = policies[part]
    return rp === undefined ? qlIdent(measurement) : `${qlIdent(config.database)}.${qlIdent(rp)}.${qlIdent(measurement)}`
  }
  const query = async (q: string): Promise<Series[][]> => seriesOf(await client.queryRaw(q, { database: config.database, precision: 'ms' }))
  const one = async (q: string): Promise<Series[]> => (await query(q))[0] ?? []

  // Each tier's durations, from SHOW RETENTION POLICIES at init on 1.x (with a token, 2.x/3.x,
  // retention is the bucket's or database's and not read here). A finite tier policy drops
  // old rows while its coverage says they were computed: coverage is cut to the stretch the
  // policy still keeps, so 'auto' reads raw for what expired instead of an empty tier.
  const keepMs = new Map<RollupTier, number>()
  const loadDurations = async () => {
    keepMs.clear()
    if (config.token) return
    let rows: Row[]
    try {
      rows = (await one(`SHOW RETENTION POLICIES ON ${qlIdent(config.database)}`))[0]?.rows ?? []
    } catch {
      return
    }
    for (const t of ROLLUP_TIERS) {
      const rp = rows.find((r) => (policies[t.tier] === undefined ? r.default === true : r.name === policies[t.tier]))
      const d = rp ? goDurationMs(String(rp.duration)) : undefined
      if (d) keepMs.set(t.tier, d)
    }
  }

  // Coverage: one civicnet_rollup_state point per tier, in the tier's own policy, so it
  // moves and expires with the tier's rows (a tier pointed at a new, empty policy starts
  // with no coverage). The point's time is the write time floored to the hour, not 0: a
  // finite policy refuses a point older than its duration ("partial write: points beyond
  // retention policy dropped=1", measured on influxd 1.6.7 for time 0 in a 400d policy),
  // and an hour is InfluxDB's shortest duration. So each tier keeps one point per hour
  // (each rollup run overwrites the hour's point), and the newest one is read back: one
  // query per distinct tier policy (one in a one-policy set-up), sent at once.
  const tierPolicies = [...new Set(ROLLUP_TIERS.map((t) => policies[t.tier]))]
  let coverage = new Map<RollupTier, { fromMs: number; toMs: number }>()
  const loadCoverage = async () => {
    const next = new Map<RollupTier, { fromMs: number; toMs: number }>()
    const answers = await Promise.all(tierPolicies.map(async (rp) => {
      const tiers = ROLLUP_TIERS.filter((t) => policies[t.tier] === rp)
      return { tiers, series: await one(`SELECT "from", "to" FROM ${qualified(tiers[0]!.tier, STATE)} GROUP BY "tier" ORDER BY time DESC LIMIT 1`) }
    }))
    for (const { tiers, series } of answers) {
      for (const s of series) {
        // a tier whose policy changed left its old point behind here: only the tier's own policy counts
        const t = tiers.find((x) => x.tier === s.tags.tier)
        const row = s.rows[0]
        if (!t || !row) continue
        const keep = keepMs.get(t.tier)
        const fromMs = keep ? Math.max(row.from as number, ceilTo(Date.now() - keep, t.ms)) : (row.from as number)
        if (fromMs < (row.to as number)) next.set(t.tier, { fromMs, toMs: row.to as number })
      }
    }
    coverage = next
  }
  const metrics = async (): Promise<string[]> => {
    const out: string[] = []
    for (const s of await one('SHOW MEASUREMENTS')) for (const r of s.rows) out.push(decodeValue(r.name as string))
    return out.filter((m) => !RESERVED_METRICS.includes(m))
  }

  // The escaped `measurement,tags` part of a line depends only on the series: building it
  // once per series instead of once per sample is most of the adapter's write cost. Nested
  // maps (metric > device > instance > neighborhood) avoid building a key string per sample.
  type Level = Map<string, Level | string>
  let seriesKeys: Level = new Map()
  let cached = 0
  const seriesKey = (metric: string, device: string, instance: string, neighborhood: string): string => {
    let a = seriesKeys.get(metric) as Level | undefined
    if (!a) seriesKeys.set(metric, (a = new Map()))
    let b = a.get(device) as Level | undefined
    if (!b) a.set(device, (b = new Map()))
    let c = b.get(instance) as Level | undefined
    if (!c) b.set(instance, (c = new Map()))
    let v = c.get(neighborhood) as string | undefined
    if (v === undefined) {
      v = seriesPrefix(metric, [['device', device], ['instance', instance], ['neighborhood', neighborhood]])
      // bounded: a city has tens of thousands of series; start over rather than grow forever
      if (++cached > 500_000) {
        seriesKeys = new Map()
        cached = 0
      }
      c.set(neighborhood, v)
    }
    return v
  }

  /** One chunk of store.rollup: buckets [from, to), both aligned to the tier. */
  async function rollupChunk(tier: RollupTier, from: number, to: number): Promise<number> {
    const tms = tierMs(tier)
    const def = ROLLUP_TIERS.find((t) => t.tier === tier)!
    const range = `time >= ${ms(from)} AND time < ${ms(to)}`
    const rows: RollupRow[] = []
    const push = (metric: string, s: Series, r: Row) => rows.push({
      metric, device: tag(s, r, 'device'), neighborhood: tag(s, r, 'neighborhood'), instance: tag(s, r, 'instance'),
      timeMs: r.time, count: r.count as number, sum: r.sum as number, min: r.min as number, max: r.max as number,
    })
    if (def.from === 'raw') {
      const names = await metrics()
      // no DELETE needed: a re-run writes the same series and timestamps, which InfluxDB
      // overwrites (raw data only ever grows)
      for (const m of names) {
        // per-series stats, and the neighborhood sums at each instant (two requests in
        // parallel: influxd answers them on separate cores). The instant sums are reduced
        // to count/sum/min/max per bucket here: as fast as an outer InfluxQL query over a
        // subquery, which 1.6 evaluates slowly.
        const [series, instants] = await Promise.all([
          one(`SELECT count("value") AS "count", sum("value") AS "sum", min("value") AS "min", max("value") AS "max" FROM ${qualified('raw', m)} WHERE ${range} GROUP BY time(${ms(tms)}), "device", "instance", "neighborhood" fill(none)`),
          one(`SELECT sum("value") AS "total" FROM ${qualified('raw', m)} WHERE ${range} GROUP BY time(${ms(instantMs)}), "neighborhood" fill(none)`),
        ])
        for (const s of series) for (const r of s.rows) push(m, s, r)
        for (const s of instants) {
          const neighborhood = s.tags.neighborhood ?? ''
          let cur: RollupRow | undefined
          for (const r of s.rows) {
            const bucket = floorTo(r.time, tms)
            const total = r.total as number
            if (!cur || cur.timeMs !== bucket) {
              cur = { metric: m, device: '', neighborhood, instance: '', timeMs: bucket, count: 0, sum: 0, min: total, max: total }
              rows.push(cur)
            }
            cur.count++
            cur.sum += total
            if (total < cur.min) cur.min = total
            if (total > cur.max) cur.max = total
          }
        }
      }
    } else {
      const ql = `SELECT sum("count") AS "count", sum("sum") AS "sum", min("min") AS "min", max("max") AS "max" FROM ${qualified(def.from, MEASUREMENT[def.from])} WHERE ${range} GROUP BY time(${ms(tms)}), "metric", "device", "instance", "neighborhood" fill(none)`
      for (const s of await one(ql)) for (const r of s.rows) push(s.tags.metric ?? '', s, r)
    }
    const lines = rows.map((r) => line(MEASUREMENT[tier], [['metric', r.metric], ['device', r.device], ['instance', r.instance], ['neighborhood', r.neighborhood]],
      `count=${lpFloat(r.count)},max=${lpFloat(r.max)},min=${lpFloat(r.min)},sum=${lpFloat(r.sum)}`, r.timeMs))
    await writerOf(tier).write(lines)
    return rows.length
  }

  const store: MetricStore = {
    kind: 'influxdb',

    async init() {
      try {
        // 2.x/3.x (token) have no DDL over the v1 API: the bucket/database is provisioned there
        if (!config.token) await client.queryRaw(`CREATE DATABASE ${qlIdent(config.database)}`)
        await loadDurations()
        await loadCoverage()
      } catch (err) {
        throw new StoreUnavailableError(`InfluxDB ${url.origin} database '${config.database}': ${err instanceof Error ? err.message : String(err)}`, { cause: err })
      }
    },

    async write(samples) {
      samples.forEach(validateSample)
      // format one batch-sized slice at a time: its line strings are turned into a request
      // body before the next slice is made, so they die young instead of filling the old
      // generation (garbage collection was half the adapter's CPU before)
      const pending: Promise<void>[] = []
      let lastMs = -1
      let lastText = ''
      for (let from = 0; from < samples.length; from += sliceSize) {
        const to = Math.min(samples.length, from + sliceSize)
        const lines = new Array<string>(to - from)
        for (let i = from; i < to; i++) {
          const s = samples[i]!
          // samples of one poll cycle share timestamps: format each timestamp once
          if (s.timeMs !== lastMs) {
            lastMs = s.timeMs
            lastText = String(lastMs)
          }
          lines[i - from] = seriesKey(s.metric, s.device, s.instance, s.neighborhood) + ' value=' + lpFloat(s.value) + ' ' + lastText
        }
        pending.push(writer.write(lines))
      }
      await Promise.all(pending)
    },

    async aggregate(q) {
      validateAggregate(q)
      if (q.source === 'auto') await loadCoverage()
      const source = q.source === 'auto' ? pickSource(q, (t) => coverage.get(t)) : (q.source ?? 'raw')
      const g = q.groupBy
      const range = `time >= ${ms(q.fromMs)} AND time < ${ms(q.toMs)}`
      const by = `GROUP BY time(${ms(q.stepMs)}), ${qlIdent(g)} fill(none)`
      const points: SeriesPoint[] = []
      if (source === 'raw') {
        const raw = `${qualified('raw', q.metric)} WHERE ${range}${filterQl(q.where)}`
        let ql: string
        if (q.fn === 'sum' || q.fn === 'count') ql = `SELECT ${q.fn}("value") AS "v" FROM ${raw} ${by}`
        else {
          ql = `SELECT ${q.fn}("total") AS "v" FROM (SELECT sum("value") AS "total" FROM ${raw} GROUP BY time(${ms(instantMs)}), ${qlIdent(g)} fill(none)) WHERE ${range} ${by}`
        }
        for (const s of await one(ql)) for (const r of s.rows) points.push({ group: s.tags[g] ?? '', timeMs: r.time, value: r.v as number })
      } else {
        const totals = q.fn !== 'sum' && q.fn !== 'count' && q.groupBy === 'neighborhood'
        const sel = { sum: 'sum("sum") AS "v"', count: 'sum("count") AS "v"', mean: 'sum("sum") AS "s", sum("count") AS "c"', max: 'max("max") AS "v"', min: 'min("min") AS "v"' }[q.fn]
        const ql = `SELECT ${sel} FROM ${qualified(source, MEASUREMENT[source])} WHERE ${range} AND "metric" = ${qlString(q.metric)} AND "device" ${totals ? '=' : '!='} ''${filterQl(q.where)} ${by}`
        for (const s of await one(ql)) {
          for (const r of s.rows) points.push({ group: s.tags[g] ?? '', timeMs: r.time, value: q.fn === 'mean' ? (r.s as number) / (r.c as number) : (r.v as number) })
        }
      }
      checkPointCount(points.length)
      return sortPoints(points)
    },

    async latest(q) {
      validateLatest(q)
      const since = q.sinceMs !== undefined ? ` AND time >= ${ms(q.sinceMs)}` : ''
      const ql = `SELECT last("value") AS "v" FROM ${qualified('raw', q.metric)} WHERE time >= 0ms${since}${filterQl(q.where)} GROUP BY "device", "instance", "neighborhood"`
      const byKey = new Map<string, LatestValue>()
      for (const s of await one(ql)) {
        for (const r of s.rows) {
          const v: LatestValue = { device: s.tags.device ?? '', neighborhood: s.tags.neighborhood ?? '', instance: s.tags.instance ?? '', value: r.v as number, timeMs: r.time }
          // a device that moved neighborhood has two series: keep the newest
          const key = JSON.stringify([v.device, v.instance])
          const prev = byKey.get(key)
          if (!prev || prev.timeMs < v.timeMs) byKey.set(key, v)
        }
      }
      return [...byKey.values()].sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0))
    },

    async writeEvents(events) {
      events.forEach(validateEvent)
      // events at the same ms on the same device would overwrite each other: a short hash
      // of the event's text tells them apart (identical events still collapse, harmlessly)
      await writer.write(events.map((e) => line(EVENTS, [
        ['device', e.device], ['neighborhood', e.neighborhood], ['type', e.type], ['severity', e.severity],
        ['k', createHash('sha256').update(e.detail).digest('hex').slice(0, 8)],
      ], `detail=${lpString(e.detail)}`, e.timeMs)))
    },

    async writeSightings(list) {
      list.forEach(validateSighting)
      if (list.length === 0) return
      await writerOf('raw', 'ns').write(list.map((r) => `${seriesPrefix(SIGHTINGS, [['scope', r.scope], ['period', r.period], ['device', r.device], ['neighborhood', r.neighborhood], ['randomized', r.randomized ? '1' : '0']])} digest=${lpString(r.digest)} ${sightingNs(r)}`))
    },

    async countSightings(q) {
      validateSightingQuery(q)
      if (q.periods.length === 0) return []
      const group = q.groupBy === 'all' ? '' : `, ${qlIdent(q.groupBy)}`
      const base = `FROM ${qualified('raw', SIGHTINGS)} WHERE "scope" = ${qlString(q.scope)}`
        + qlIn('period', q.periods) + qlIn('neighborhood', q.where?.neighborhood) + qlIn('device', q.where?.device)
      // One pass, grouped by the randomized tag too: a digest is of one MAC, and a MAC is
      // randomized or not, so the two groups never share a digest and the unique count is
      // their sum (one distinct count instead of two over the same points).
      const series = await one(`SELECT count(distinct("digest")) AS u ${base} GROUP BY "period"${group}, "randomized"`)
      const counts = new Map<string, { period: string; group: string; unique: number; randomized: number }>()
      for (const s of series) {
        const u = Number(s.rows[0]?.u ?? 0)
        if (u === 0) continue
        const period = s.tags.period!
        const g = q.groupBy === 'all' ? '' : (s.tags[q.groupBy] ?? '')
        const k = `${period}\u0000${g}`
        const c = counts.get(k) ?? { period, group: g, unique: 0, randomized: 0 }
        c.unique += u
        if (s.tags.randomized === '1') c.randomized += u
        counts.set(k, c)
      }
      return [...counts.values()].sort((a, b) => cmp(a.period, b.period) || cmp(a.group, b.group))
    },

    async events(q) {
      const limit = validateEventQuery(q)
      const ql = `SELECT "detail", "device", "neighborhood", "type", "severity" FROM ${qualified('raw', EVENTS)} WHERE time >= ${ms(q.fromMs)} AND time < ${ms(q.toMs)}`
        + qlIn('device', q.device) + qlIn('neighborhood', q.neighborhood) + qlIn('type', q.type) + ` ORDER BY time DESC LIMIT ${limit}`
      const out: DeviceEvent[] = []
      for (const s of await one(ql)) {
        for (const r of s.rows) {
          out.push({
            timeMs: r.time, device: tag(s, r, 'device'), neighborhood: tag(s, r, 'neighborhood'), type: tag(s, r, 'type'),
            severity: tag(s, r, 'severity') as DeviceEvent['severity'], detail: decodeValue(r.detail as string),
          })
        }
      }
      // same order as DuckDB: newest first, then device, type, detail
      return out.sort((a, b) => b.timeMs - a.timeMs || cmp(a.device, b.device) || cmp(a.type, b.type) || cmp(a.detail, b.detail))
    },

    async rollup(tier, fromMs, toMs) {
      validateRange(fromMs, toMs)
      const { fromMs: from, toMs: to, chunks } = rollupSpan(tier, fromMs, toMs)
      let written = 0
      for (const [c, end] of chunks) written += await rollupChunk(tier, c, end)
      await loadCoverage()
      const cov = mergeCoverage(coverage.get(tier), from, to)
      await writerOf(tier).write([line(STATE, [['tier', tier]], `from=${lpFloat(cov.fromMs)},to=${lpFloat(cov.toMs)}`, floorTo(Date.now(), 3_600_000))])
      coverage.set(tier, cov)
      return written
    },


    async rollupRows(tier, fromMs, toMs, where) {
      validateRange(fromMs, toMs)
      validateFilter(where)
      const metric = where?.metric !== undefined ? ` AND "metric" = ${qlString(where.metric)}` : ''
      const ql = `SELECT "count", "sum", "min", "max" FROM ${qualified(tier, MEASUREMENT[tier] ?? String(tierMs(tier)))} WHERE time >= ${ms(fromMs)} AND time < ${ms(toMs)}${metric}${filterQl(where)} GROUP BY "metric", "device", "instance", "neighborhood"`
      const out: RollupRow[] = []
      for (const s of await one(ql)) {
        for (const r of s.rows) {
          out.push({ metric: s.tags.metric ?? '', device: s.tags.device ?? '', neighborhood: s.tags.neighborhood ?? '', instance: s.tags.instance ?? '',
            timeMs: r.time, count: r.count as number, sum: r.sum as number, min: r.min as number, max: r.max as number })
        }
      }
      return out.sort((a, b) => cmp(a.metric, b.metric) || cmp(a.neighborhood, b.neighborhood) || cmp(a.device, b.device) || cmp(a.instance, b.instance) || a.timeMs - b.timeMs)
    },

    async ping() {
      try {
        const hosts = await client.ping(2000)
        return hosts.some((h) => h.online)
      } catch {
        return false
      }
    },

    async close() {
      try {
        for (const w of writers.values()) await w.flush()
      } finally {
        for (const w of writers.values()) w.close()
        agent.destroy()
      }
    },
  }
  return store
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The batching writer on its own, for tools that already hold line protocol. */
export { createLineWriter } from './writer.ts'
