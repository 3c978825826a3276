/**
 * The embedded metric store: DuckDB on one file (or ':memory:'). Columnar time-bucket
 * aggregates in SQL, bulk inserts through the appender, one row per (metric, device,
 * instance, ts) with the last write winning as on InfluxDB (see `newer` below), every value
 * bound as a parameter.
 * DuckDB lets one process hold a file read-write, so the collector and the API share
 * this store only inside one process (npm start / civicnet demo).
 */
import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import type { DuckDBAppender, DuckDBValue } from '@duckdb/node-api'
import type { DeviceEvent, Sample, SeriesPoint } from '../../core/metrics.ts'
import { ROLLUP_TIERS } from '../types.ts'
import type { LatestValue, MetricStore, RollupRow, RollupTier, SeriesFilter } from '../types.ts'
import {
  DEFAULT_INSTANT_MS, StoreLockedError, StoreUnavailableError, StoreWriteError, checkPointCount, mergeCoverage, pickSource, rollupSpan, tierMs,
  validateAggregate, validateEvent, validateEventQuery, validateFilter, validateLatest, validateRange, validateSample, validateSighting, validateSightingQuery,
} from '../query.ts'

export interface DuckDbStoreConfig {
  /** database file; ':memory:' for a throw-away store (tests) */
  path: string
  /** poll-instant bucket for per-instant group totals, ms (default 60000) */
  instantMs?: number
}

const SAMPLE_COLUMNS = `ts BIGINT NOT NULL, metric VARCHAR NOT NULL, device VARCHAR NOT NULL,
  neighborhood VARCHAR NOT NULL, instance VARCHAR NOT NULL, value DOUBLE NOT NULL`

/**
 * A failed write: a constraint or conversion error is the data and would fail the same way
 * again (not retriable); anything else (out of space or memory, an I/O error, a transaction
 * conflict) may pass, so the collector keeps the batch and tries again.
 */
function writeError(err: unknown, samples: number): StoreWriteError {
  const msg = err instanceof Error ? err.message : String(err)
  const retriable = !/Constraint Error|Conversion Error|Invalid Input Error/i.test(msg)
  return new StoreWriteError(`DuckDB write of ${samples} samples failed: ${msg}`, retriable, { cause: err })
}

const TABLE: Record<RollupTier, string> = { '5m': 'rollup_5m', '1h': 'rollup_1h', '1d': 'rollup_1d' }

/** Turns DuckDB's lock failure into an error a person can act on. */
function openError(path: string, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err)
  if (/Could not set lock|Conflicting lock/i.test(msg)) {
    const pid = /PID (\d+)/.exec(msg)?.[1]
    return new StoreLockedError(path, pid ? Number(pid) : null, { cause: err })
  }
  return new StoreUnavailableError(`cannot open DuckDB file ${path}: ${msg}`, { cause: err })
}

/** `AND col IN (?, ?)` with the values pushed onto params: placeholders only, never values. */
function inList(col: string, values: readonly string[] | undefined, params: DuckDBValue[]): string {
  if (!values) return ''
  params.push(...values)
  return ` AND ${col} IN (${values.map(() => '?').join(', ')})`
}
function filterSql(where: SeriesFilter | undefined, params: DuckDBValue[]): string {
  return inList('neighborhood', where?.neighborhood, params) + inList('device', where?.device, params) + inList('instance', where?.instance, params)
}

/** A sample's columns in the order of the samples table (and its staging copy, after seq). */
function appendSample(app: DuckDBAppender, s: Sample): void {
  app.appendBigInt(BigInt(s.timeMs))
  app.appendVarchar(s.metric)
  app.appendVarchar(s.device)
  app.appendVarchar(s.neighborhood)
  app.appendVarchar(s.instance)
  app.appendDouble(s.value)
}

export async function openDuckDbStore(config: DuckDbStoreConfig): Promise<MetricStore> {
  const instantMs = config.instantMs ?? DEFAULT_INSTANT_MS
  if (!Number.isSafeInteger(instantMs) || instantMs <= 0 || 300_000 % instantMs !== 0) {
    throw new StoreUnavailableError(`instantMs must be a positive divisor of 300000 (the 5m tier), got ${instantMs}`)
  }
  if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true })
  let instance: DuckDBInstance
  let conn: DuckDBConnection
  try {
    instance = await DuckDBInstance.create(config.path)
    conn = await instance.connect()
  } catch (err) {
    throw openError(config.path, err)
  }
  // One connection, one operation at a time: a rollup's transaction must not take in a
  // concurrent write's rows half-way, and DuckDB serializes writers anyway.
  let chain: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn, fn)
    chain = p.catch(() => undefined)
    return p
  }
  const rows = async (sql: string, params: DuckDBValue[] = []): Promise<Record<string, unknown>[]> => {
    const r = await conn.runAndReadAll(sql, params)
    return r.getRowObjectsJS() as Record<string, unknown>[]
  }
  const coverage = new Map<RollupTier, { fromMs: number; toMs: number }>()
  let closed = false

  // Last write wins per (metric, device, instance, ts), as on InfluxDB: a chunk replayed
  // after a crash replaces its rows instead of doubling them. Finding the rows to replace
  // costs a join, so it runs only when a batch can hold a stored key: `newest` keeps each
  // series' newest time written since open, and every row stored before that (at open, or
  // when the map was last emptied) is at or before `baseMs`. A batch whose every sample is
  // newer than its series' bound cannot replace anything: it is appended as it was before
  // the key existed (the normal path of a collector's fresh polls). Replays, a restart's
  // first polls of old times and duplicates inside a batch take the merge.
  let newest = new Map<string, Map<string, Map<string, number>>>()
  let newestSeries = 0
  let baseMs = -Infinity
  let maxMs = -Infinity

  /** true when no sample of the batch can share a key with a stored row or an earlier sample of it */
  function newer(samples: readonly Sample[]): boolean {
    // bounded: a city has tens of thousands of series; start over, conservatively, rather than grow
    if (newestSeries > 500_000) {
      newest = new Map()
      newestSeries = 0
      baseMs = maxMs
    }
    let fresh = true
    for (const s of samples) {
      let byDevice = newest.get(s.metric)
      if (!byDevice) newest.set(s.metric, (byDevice = new Map()))
      let byInstance = byDevice.get(s.device)
      if (!byInstance) byDevice.set(s.device, (byInstance = new Map()))
      const prev = byInstance.get(s.instance)
      if (prev === undefined) newestSeries++
      const bound = prev ?? baseMs
      // an overestimate (a write that then fails) only sends a later batch to the merge
      if (s.timeMs <= bound) fresh = false
      else byInstance.set(s.instance, s.timeMs)
      if (prev === undefined && s.timeMs <= bound) byInstance.set(s.instance, bound)
      if (s.timeMs > maxMs) maxMs = s.timeMs
    }
    return fresh
  }

  /** The normal path: bulk append straight into samples. */
  async function appendFresh(samples: readonly Sample[]): Promise<void> {
    const app = await conn.createAppender('samples').catch((err: unknown) => {
      throw writeError(err, samples.length)
    })
    try {
      for (const s of samples) {
        appendSample(app, s)
        app.endRow()
      }
      app.flushSync()
    } catch (err) {
      throw writeError(err, samples.length)
    } finally {
      app.closeSync()
    }
  }

  /**
   * Appends rows to a temp staging table (emptied first: a write cut short leaves nothing
   * behind), each after its seq, the row's position in the batch.
   */
  async function stage<T>(table: 'samples_stage' | 'sightings_stage', list: readonly T[], append: (app: DuckDBAppender, row: T) => void): Promise<void> {
    await conn.run(`DELETE FROM temp.main.${table}`)
    const app = await conn.createAppender(table, 'main', 'temp')
    try {
      let seq = 0
      for (const row of list) {
        app.appendBigInt(BigInt(seq++))
        append(app, row)
        app.endRow()
      }
      app.flushSync()
    } finally {
      app.closeSync()
    }
  }

  /**
   * A batch that may repeat stored keys: appended to a staging table, then in one
   * transaction the stored rows of its keys are deleted and its rows inserted (the later of
   * two samples of one key inside the batch wins, by seq). The rows it replaces lie within
   * its own time span, so the DELETE's ts bounds let DuckDB skip every other row group.
   */
  async function mergeReplacing(samples: readonly Sample[]): Promise<void> {
    let minTs = Infinity
    let maxTs = -Infinity
    try {
      await stage('samples_stage', samples, (app, s) => {
        if (s.timeMs < minTs) minTs = s.timeMs
        if (s.timeMs > maxTs) maxTs = s.timeMs
        appendSample(app, s)
      })
      await conn.run('BEGIN TRANSACTION')
      try {
        await conn.run(`DELETE FROM samples USING temp.main.samples_stage AS n WHERE samples.ts >= ? AND samples.ts <= ?
          AND samples.ts = n.ts AND samples.metric = n.metric AND samples.device = n.device AND samples.instance = n.instance`, [BigInt(minTs), BigInt(maxTs)])
        await conn.run(`INSERT INTO samples SELECT ts, metric, device, neighborhood, instance, value FROM temp.main.samples_stage
          QUALIFY row_number() OVER (PARTITION BY metric, device, instance, ts ORDER BY seq DESC) = 1`)
        await conn.run('COMMIT')
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined)
        throw err
      }
    } catch (err) {
      throw writeError(err, samples.length)
    } finally {
      await conn.run('DELETE FROM temp.main.samples_stage').catch(() => undefined)
    }
  }

  /**
   * A file written before samples were unique per key may hold duplicates (a replayed
   * chunk): keep the last appended row of each key, once per file (store_meta notes it).
   */
  async function dedupeOnce(): Promise<void> {
    const done = await rows(`SELECT count(*)::DOUBLE AS n FROM store_meta WHERE key = 'samples_unique_key'`)
    if ((done[0]!.n as number) > 0) return
    await conn.run('BEGIN TRANSACTION')
    try {
      await conn.run(`DELETE FROM samples WHERE rowid IN (SELECT rowid FROM samples
        QUALIFY row_number() OVER (PARTITION BY metric, device, instance, ts ORDER BY rowid DESC) > 1)`)
      await conn.run(`INSERT INTO store_meta VALUES ('samples_unique_key', 'metric, device, instance, ts')`)
      await conn.run('COMMIT')
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined)
      throw err
    }
  }

  /** One transaction of store.rollup: replaces the tier's rows for buckets [from, to). */
  async function rollupChunk(tier: RollupTier, from: number, to: number): Promise<number> {
    const def = ROLLUP_TIERS.find((t) => t.tier === tier)!
    const table = TABLE[tier]
    const b = BigInt(tierMs(tier))
    const range: DuckDBValue[] = [BigInt(from), BigInt(to)]
    await conn.run('BEGIN TRANSACTION')
    try {
      await conn.run(`DELETE FROM ${table} WHERE ts >= ? AND ts < ?`, range)
      if (def.from === 'raw') {
        const inst = BigInt(instantMs)
        await conn.run(`INSERT INTO ${table} SELECT (ts // ?) * ?, metric, device, neighborhood, instance, count(*), sum(value), min(value), max(value)
          FROM samples WHERE ts >= ? AND ts < ? GROUP BY ALL`, [b, b, ...range])
        await conn.run(`INSERT INTO ${table} SELECT (i // ?) * ?, metric, '', neighborhood, '', count(*), sum(total), min(total), max(total)
          FROM (SELECT metric, neighborhood, (ts // ?) * ? AS i, sum(value) AS total FROM samples WHERE ts >= ? AND ts < ? GROUP BY ALL) GROUP BY ALL`,
        [b, b, inst, inst, ...range])
      } else {
        await conn.run(`INSERT INTO ${table} SELECT (ts // ?) * ?, metric, device, neighborhood, instance, sum(count), sum(sum), min(min), max(max)
          FROM ${TABLE[def.from]} WHERE ts >= ? AND ts < ? GROUP BY ALL`, [b, b, ...range])
      }
      const n = await rows(`SELECT count(*)::DOUBLE AS n FROM ${table} WHERE ts >= ? AND ts < ?`, range)
      await conn.run('COMMIT')
      return n[0]!.n as number
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined)
      throw err
    }
  }

  const store: MetricStore = {
    kind: 'duckdb',

    init: () => serial(async () => {
      await conn.run(`CREATE TABLE IF NOT EXISTS samples (${SAMPLE_COLUMNS})`)
      await conn.run('CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)')
      await dedupeOnce()
      // a merge stages its batch here; a TEMP table lives in memory, never in the file's WAL
      await conn.run(`CREATE TEMP TABLE IF NOT EXISTS samples_stage (seq BIGINT NOT NULL, ${SAMPLE_COLUMNS})`)
      await conn.run(`CREATE TEMP TABLE IF NOT EXISTS sightings_stage (seq BIGINT NOT NULL, scope VARCHAR NOT NULL, period VARCHAR NOT NULL, device VARCHAR NOT NULL,
        neighborhood VARCHAR NOT NULL, digest VARCHAR NOT NULL, randomized BOOLEAN NOT NULL)`)
      const newestRow = await rows('SELECT max(ts)::DOUBLE AS t FROM samples')
      baseMs = Math.max(baseMs, (newestRow[0]!.t as number | null) ?? -Infinity)
      maxMs = Math.max(maxMs, baseMs)
      for (const t of Object.values(TABLE)) {
        await conn.run(`CREATE TABLE IF NOT EXISTS ${t} (ts BIGINT NOT NULL, metric VARCHAR NOT NULL, device VARCHAR NOT NULL,
          neighborhood VARCHAR NOT NULL, instance VARCHAR NOT NULL, count BIGINT NOT NULL, sum DOUBLE NOT NULL, min DOUBLE NOT NULL, max DOUBLE NOT NULL)`)
      }
      await conn.run(`CREATE TABLE IF NOT EXISTS events (ts BIGINT NOT NULL, device VARCHAR NOT NULL, neighborhood VARCHAR NOT NULL,
        type VARCHAR NOT NULL, severity VARCHAR NOT NULL, detail VARCHAR NOT NULL)`)
      await conn.run('CREATE TABLE IF NOT EXISTS rollup_state (tier VARCHAR PRIMARY KEY, from_ms BIGINT NOT NULL, to_ms BIGINT NOT NULL)')
      // station digest sets: a key makes the set semantics (a sighting written twice is one)
      await conn.run(`CREATE TABLE IF NOT EXISTS sightings (scope VARCHAR NOT NULL, period VARCHAR NOT NULL, device VARCHAR NOT NULL,
        neighborhood VARCHAR NOT NULL, digest VARCHAR NOT NULL, randomized BOOLEAN NOT NULL, PRIMARY KEY (scope, period, device, digest))`)
      for (const r of await rows('SELECT tier, from_ms::DOUBLE AS f, to_ms::DOUBLE AS t FROM rollup_state')) {
        coverage.set(r.tier as RollupTier, { fromMs: r.f as number, toMs: r.t as number })
      }
    }),

    write: (samples) => {
      samples.forEach(validateSample)
      if (samples.length === 0) return Promise.resolve()
      return serial(async () => {
        if (newer(samples)) await appendFresh(samples)
        else await mergeReplacing(samples)
      })
    },

    aggregate: (q) => serial(async () => {
      validateAggregate(q)
      const source = q.source === 'auto' ? pickSource(q, (t) => coverage.get(t)) : (q.source ?? 'raw')
      const g = q.groupBy === 'neighborhood' ? 'neighborhood' : 'device'
      const step = BigInt(q.stepMs)
      // params are pushed in the order their placeholders appear in the SQL text
      const params: DuckDBValue[] = []
      const rangeWhere = (extra: string): string => {
        params.push(q.metric, BigInt(q.fromMs), BigInt(q.toMs))
        return `metric = ? AND ts >= ? AND ts < ?${extra}${filterSql(q.where, params)}`
      }
      let sql: string
      if (source === 'raw') {
        if (q.fn === 'sum' || q.fn === 'count') {
          const agg = q.fn === 'sum' ? 'sum(value)' : 'count(*)::DOUBLE'
          params.push(step, step)
          sql = `SELECT ${g} AS g, ((ts // ?) * ?)::DOUBLE AS t, ${agg} AS v FROM samples WHERE ${rangeWhere('')} GROUP BY 1, 2`
        } else {
          const inst = BigInt(instantMs)
          const agg = q.fn === 'mean' ? 'avg(total)' : `${q.fn}(total)`
          params.push(inst, inst)
          const inner = `SELECT ${g} AS g, (ts // ?) * ? AS i, sum(value) AS total FROM samples WHERE ${rangeWhere('')} GROUP BY 1, 2`
          params.push(step, step)
          sql = `WITH inst AS (${inner}) SELECT g, ((i // ?) * ?)::DOUBLE AS t, ${agg} AS v FROM inst GROUP BY 1, 2`
        }
      } else {
        // mean/max/min per neighborhood read the instant-total rows (device ''), the rest the series rows
        const totals = q.fn !== 'sum' && q.fn !== 'count' && q.groupBy === 'neighborhood'
        const agg = { sum: 'sum(sum)', count: 'sum(count)::DOUBLE', mean: 'sum(sum) / sum(count)', max: 'max(max)', min: 'min(min)' }[q.fn]
        params.push(step, step)
        sql = `SELECT ${g} AS g, ((ts // ?) * ?)::DOUBLE AS t, ${agg} AS v FROM ${TABLE[source]} WHERE ${rangeWhere(totals ? " AND device = ''" : " AND device <> ''")} GROUP BY 1, 2`
      }
      const out = await rows(`${sql} ORDER BY 1, 2`, params)
      checkPointCount(out.length)
      return out.map((r): SeriesPoint => ({ group: r.g as string, timeMs: r.t as number, value: r.v as number }))
    }),

    latest: (q) => serial(async () => {
      validateLatest(q)
      const params: DuckDBValue[] = [q.metric]
      let where = 'metric = ?'
      if (q.sinceMs !== undefined) {
        where += ' AND ts >= ?'
        params.push(BigInt(q.sinceMs))
      }
      where += filterSql(q.where, params)
      const out = await rows(`SELECT device, instance, arg_max(neighborhood, ts) AS n, arg_max(value, ts) AS v, max(ts)::DOUBLE AS t
        FROM samples WHERE ${where} GROUP BY device, instance ORDER BY device, instance`, params)
      return out.map((r): LatestValue => ({ device: r.device as string, neighborhood: r.n as string, instance: r.instance as string, value: r.v as number, timeMs: r.t as number }))
    }),

    writeEvents: (events) => {
      events.forEach(validateEvent)
      if (events.length === 0) return Promise.resolve()
      return serial(async () => {
        const app = await conn.createAppender('events')
        try {
          for (const e of events) {
            app.appendBigInt(BigInt(e.timeMs))
            app.appendVarchar(e.device)
            app.appendVarchar(e.neighborhood)
            app.appendVarchar(e.type)
            app.appendVarchar(e.severity)
            app.appendVarchar(e.detail)
            app.endRow()
          }
          app.flushSync()
        } finally {
          app.closeSync()
        }
      })
    },

    events: (q) => serial(async () => {
      const limit = validateEventQuery(q)
      const params: DuckDBValue[] = [BigInt(q.fromMs), BigInt(q.toMs)]
      const where = 'ts >= ? AND ts < ?' + inList('device', q.device, params) + inList('neighborhood', q.neighborhood, params) + inList('type', q.type, params)
      params.push(BigInt(limit))
      const out = await rows(`SELECT ts::DOUBLE AS t, device, neighborhood, type, severity, detail FROM events WHERE ${where}
        ORDER BY ts DESC, device, type, detail LIMIT ?`, params)
      return out.map((r): DeviceEvent => ({
        timeMs: r.t as number, device: r.device as string, neighborhood: r.neighborhood as string,
        type: r.type as string, severity: r.severity as DeviceEvent['severity'], detail: r.detail as string,
      }))
    }),

    async rollup(tier, fromMs, toMs) {
      validateRange(fromMs, toMs)
      // one transaction per chunk, each its own turn on the connection, so writes and API
      // queries are not held up behind a whole month of rolling up
      const { fromMs: from, toMs: to, chunks } = rollupSpan(tier, fromMs, toMs)
      let written = 0
      for (const [c, end] of chunks) written += await serial(() => rollupChunk(tier, c, end))
      await serial(async () => {
        const cov = mergeCoverage(coverage.get(tier), from, to)
        await conn.run('INSERT OR REPLACE INTO rollup_state VALUES (?, ?, ?)', [tier, BigInt(cov.fromMs), BigInt(cov.toMs)])
        coverage.set(tier, cov)
      })
      return written
    },

    rollupRows: (tier, fromMs, toMs, where) => serial(async () => {
      validateRange(fromMs, toMs)
      validateFilter(where)
      const params: DuckDBValue[] = [BigInt(fromMs), BigInt(toMs)]
      let sql = `SELECT metric, device, neighborhood, instance, ts::DOUBLE AS t, count::DOUBLE AS c, sum, min, max FROM ${TABLE[tier] ?? tierMs(tier)} WHERE ts >= ? AND ts < ?`
      if (where?.metric !== undefined) {
        sql += ' AND metric = ?'
        params.push(where.metric)
      }
      sql += filterSql(where, params)
      const out = await rows(`${sql} ORDER BY metric, neighborhood, device, instance, ts`, params)
      return out.map((r): RollupRow => ({
        metric: r.metric as string, device: r.device as string, neighborhood: r.neighborhood as string, instance: r.instance as string,
        timeMs: r.t as number, count: r.c as number, sum: r.sum as number, min: r.min as number, max: r.max as number,
      }))
    }),

    writeSightings: async (list) => {
      list.forEach(validateSighting)
      if (list.length === 0) return
      await serial(async () => {
        // Appended to a staging table, then one INSERT OR IGNORE: what is stored stays (a
        // sighting written twice is one), and of duplicates within the batch the first wins.
        try {
          await stage('sightings_stage', list, (app, r) => {
            app.appendVarchar(r.scope)
            app.appendVarchar(r.period)
            app.appendVarchar(r.device)
            app.appendVarchar(r.neighborhood)
            app.appendVarchar(r.digest)
            app.appendBoolean(r.randomized)
          })
          await conn.run(`INSERT OR IGNORE INTO sightings SELECT scope, period, device, neighborhood, digest, randomized FROM temp.main.sightings_stage
            QUALIFY row_number() OVER (PARTITION BY scope, period, device, digest ORDER BY seq) = 1`)
        } catch (err) {
          throw writeError(err, list.length)
        } finally {
          await conn.run('DELETE FROM temp.main.sightings_stage').catch(() => undefined)
        }
      })
    },

    countSightings: (q) => serial(async () => {
      validateSightingQuery(q)
      if (q.periods.length === 0) return []
      const params: DuckDBValue[] = [q.scope, ...q.periods]
      let where = `scope = ? AND period IN (${q.periods.map(() => '?').join(', ')})`
      where += inList('neighborhood', q.where?.neighborhood, params) + inList('device', q.where?.device, params)
      const group = q.groupBy === 'all' ? "''" : q.groupBy
      const out = await rows(
        `SELECT period, ${group} AS grp, count(DISTINCT digest)::DOUBLE AS u, (count(DISTINCT digest) FILTER (WHERE randomized))::DOUBLE AS r
         FROM sightings WHERE ${where} GROUP BY period, grp ORDER BY period, grp`,
        params,
      )
      return out.map((r) => ({ period: r.period as string, group: r.grp as string, unique: r.u as number, randomized: r.r as number }))
    }),

    // A copy through this store's own connection: ATTACH a new file, COPY FROM DATABASE
    // (schema, keys and data; not the TEMP staging tables), DETACH. It is one turn of the
    // serial chain, so no write lands half-way: the copy is the store as it stood between
    // two operations, while the collector's next batches wait their turn (measured: 2M
    // samples in 0.5 s here). EXPORT DATABASE writes CSV/Parquet and a schema that must be
    // imported again; this gives a file the store opens as it is.
    backup: (file) => serial(async () => {
      if (closed) throw new StoreUnavailableError('the DuckDB store is closed')
      if (existsSync(file)) throw new StoreUnavailableError(`backup target ${file} exists already`)
      const db = (await rows('SELECT current_database() AS d, version() AS v'))[0]!
      const quote = (id: string) => `"${id.replace(/"/g, '""')}"`
      await conn.run(`ATTACH '${file.replace(/'/g, "''")}' AS civicnet_backup`)
      try {
        await conn.run(`COPY FROM DATABASE ${quote(db.d as string)} TO civicnet_backup`)
        const n = (await rows('SELECT count(*)::DOUBLE AS n, max(ts)::DOUBLE AS t FROM civicnet_backup.samples'))[0]!
        await conn.run('CHECKPOINT civicnet_backup')
        return { engineVersion: db.v as string, samples: n.n as number, newestSampleMs: (n.t as number | null) ?? null }
      } finally {
        await conn.run('DETACH civicnet_backup')
      }
    }),

    ping: async () => !closed,

    close: () => serial(async () => {
      if (closed) return
      closed = true
      conn.closeSync()
      instance.closeSync()
    }),
  }
  return store
}
