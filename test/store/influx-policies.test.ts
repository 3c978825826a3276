/**
 * The InfluxDB store with a retention policy per part (raw, 5m, 1h, 1d) on a real influxd:
 * the contract suite unchanged over four different policies (three finite, one INF), and
 * where each write lands and which policy each read takes. The database's DEFAULT stays
 * autogen and empty, so a query that forgot to name its policy would read nothing.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openInfluxStore } from '../../store/influx/index.ts'
import type { InfluxStoreConfig } from '../../store/influx/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { startInfluxd } from '../support/influxd.ts'
import type { Influxd } from '../support/influxd.ts'
import { contractSuite } from './contract.ts'

const M = 60_000
const H = 60 * M
const D = 24 * H
const DAY_MS = D

/** The contract data starts 2024-01-01: every finite duration here keeps it (3000d reaches back to 2018). */
const POLICIES = [
  ['p_raw', '3000d'], ['p_5m', '2000d'], ['p_1h', 'INF'], ['p_1d', '1500d'],
] as const
const retentionPolicies = { raw: 'p_raw', '5m': 'p_5m', '1h': 'p_1h', '1d': 'p_1d' } as const

async function ql(url: string, q: string, db?: string): Promise<{ series?: { name: string; columns: string[]; values: unknown[][] }[]; error?: string }[]> {
  const res = await fetch(`${url}/query?${db ? `db=${db}&` : ''}q=${encodeURIComponent(q)}`, { method: 'POST' })
  return ((await res.json()) as { results: { series?: { name: string; columns: string[]; values: unknown[][] }[]; error?: string }[] }).results
}
async function createPolicies(url: string, db: string, list: readonly (readonly [string, string])[]): Promise<void> {
  await ql(url, `CREATE DATABASE "${db}"`)
  for (const [name, duration] of list) {
    const r = await ql(url, `CREATE RETENTION POLICY "${name}" ON "${db}" DURATION ${duration} REPLICATION 1`)
    assert.is(r[0]!.error, undefined)
  }
}

let contractInfluxd: Influxd | undefined
contractSuite('influxdb, one retention policy per tier (real influxd)', async () => {
  contractInfluxd = await startInfluxd()
  await createPolicies(contractInfluxd.url, 'contract', POLICIES)
  return openInfluxStore({ url: contractInfluxd.url, database: 'contract', retentionPolicies, writer: { flushIntervalMs: 20 } })
}, async () => {
  await contractInfluxd?.stop()
}).run()

const test = suite<{ influxd: Influxd; store: MetricStore; config: InfluxStoreConfig }>('influxdb: where each part lands, which policy each read takes')

test.before(async (ctx) => {
  ctx.influxd = await startInfluxd()
  await createPolicies(ctx.influxd.url, 'tiers', POLICIES)
  ctx.config = { url: ctx.influxd.url, database: 'tiers', retentionPolicies, writer: { flushIntervalMs: 20 } }
  ctx.store = await openInfluxStore(ctx.config)
  await ctx.store.init()
})
test.after(async ({ influxd, store }) => {
  try {
    await store?.close()
  } finally {
    await influxd?.stop()
  }
})

/** count(*) of one measurement in each policy, in the order autogen, p_raw, p_5m, p_1h, p_1d. */
async function counts(url: string, measurement: string, field: string): Promise<number[]> {
  const out: number[] = []
  for (const rp of ['autogen', 'p_raw', 'p_5m', 'p_1h', 'p_1d']) {
    const r = await ql(url, `SELECT count("${field}") FROM "tiers"."${rp}"."${measurement}"`, 'tiers')
    out.push(Number(r[0]!.series?.[0]?.values[0]?.[1] ?? 0))
  }
  return out
}

test('samples, events and sightings land in the raw policy; each tier\'s rows and coverage in its own', async ({ influxd, store }) => {
  const t0 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * D
  await store.write([0, 1, 2, 3].map((i) => ({ metric: 'wifi_clients', device: 'ap1', neighborhood: 'north', instance: '', value: 10 + i, timeMs: t0 + i * 20 * M })))
  await store.writeEvents([{ timeMs: t0 + M, device: 'ap1', neighborhood: 'north', type: 'linkDown', severity: 'critical', detail: 'ifIndex 1' }])
  const day = new Date(t0).toISOString().slice(0, 10)
  await store.writeSightings([{ scope: 'day', period: day, device: 'ap1', neighborhood: 'north', randomized: false, digest: 'a'.repeat(64) }])
  await store.rollup('5m', t0, t0 + D)
  await store.rollup('1h', t0, t0 + D)
  await store.rollup('1d', t0, t0 + D)
  assert.equal(await counts(influxd.url, 'wifi_clients', 'value'), [0, 4, 0, 0, 0])
  assert.equal(await counts(influxd.url, 'civicnet_events', 'detail'), [0, 1, 0, 0, 0])
  assert.equal(await counts(influxd.url, 'civicnet_sightings', 'digest'), [0, 1, 0, 0, 0])
  // 5m: four buckets of ap1 plus four of the north instant totals; 1h: 2 + 2 (00:00, 01:00); 1d: 1 + 1
  assert.equal(await counts(influxd.url, 'rollup_5m', 'count'), [0, 0, 8, 0, 0])
  assert.equal(await counts(influxd.url, 'rollup_1h', 'count'), [0, 0, 0, 4, 0])
  assert.equal(await counts(influxd.url, 'rollup_1d', 'count'), [0, 0, 0, 0, 2])
  // one coverage point per tier, in the tier's policy, at the write hour (not time 0)
  for (const [rp, tier] of [['p_5m', '5m'], ['p_1h', '1h'], ['p_1d', '1d']] as const) {
    const r = await ql(influxd.url, `SELECT "from", "to" FROM "tiers"."${rp}"."civicnet_rollup_state" WHERE "tier" = '${tier}'`, 'tiers')
    const rows = r[0]!.series![0]!.values
    assert.is(rows.length, 1, tier)
    assert.is(Date.parse(String(rows[0]![0])), Math.floor(Date.now() / H) * H, tier)
    assert.equal(rows[0]!.slice(1), [t0, t0 + D], tier)
  }
  assert.equal(await counts(influxd.url, 'civicnet_rollup_state', 'to'), [0, 0, 1, 1, 1])
  assert.equal(await store.latest({ metric: 'wifi_clients' }), [{ device: 'ap1', neighborhood: 'north', instance: '', value: 13, timeMs: t0 + 60 * M }])
  assert.equal((await store.events({ fromMs: t0, toMs: t0 + D })).map((e) => e.type), ['linkDown'])
  assert.equal(await store.countSightings({ scope: 'day', periods: [day], groupBy: 'all' }), [{ period: day, group: '', unique: 1, randomized: 0 }])
})

test('aggregate with source 5m, 1h, 1d and auto reads the tier policies (a late raw sample is not in them until re-rolled)', async ({ influxd, store }) => {
  const t0 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * D
  // a late sample into the raw policy, after the rollups: raw sees it, the tiers do not yet
  await store.write([{ metric: 'wifi_clients', device: 'ap1', neighborhood: 'north', instance: '', value: 100, timeMs: t0 + 2 * H }])
  const q = { metric: 'wifi_clients', groupBy: 'neighborhood', fromMs: t0, toMs: t0 + D, stepMs: D, fn: 'sum' } as const
  assert.equal(await store.aggregate(q), [{ group: 'north', timeMs: t0, value: 146 }])
  for (const source of ['5m', '1h', '1d', 'auto'] as const) {
    assert.equal(await store.aggregate({ ...q, source }), [{ group: 'north', timeMs: t0, value: 46 }], source)
  }
  // and the tier answers are the tier policies' rows: planting a row straight into p_1d shows in source 1d
  const res = await fetch(`${influxd.url}/write?db=tiers&rp=p_1d&precision=ms`, { method: 'POST', body: `rollup_1d,device=ap2,metric=wifi_clients,neighborhood=north count=1,max=1000,min=1000,sum=1000 ${t0}` })
  assert.is(res.status, 204)
  assert.equal(await store.aggregate({ ...q, source: '1d' }), [{ group: 'north', timeMs: t0, value: 1046 }])
  assert.equal(await store.aggregate({ ...q, source: '1h' }), [{ group: 'north', timeMs: t0, value: 46 }])
})

test('coverage older than a finite tier policy keeps is cut off: auto reads raw there, the tier where it still holds', async ({ influxd }) => {
  await createPolicies(influxd.url, 'cut', [['raw', 'INF'], ['short5m', '30d']])
  const config = { url: influxd.url, database: 'cut', retentionPolicy: 'raw', retentionPolicies: { '5m': 'short5m' }, writer: { flushIntervalMs: 20 } }
  const now = Date.now()
  const old = Math.floor((now - 60 * D) / H) * H
  const recent = Math.floor((now - 2 * D) / H) * H
  // raw samples 60 days ago and 2 days ago
  const store = await openInfluxStore(config)
  await store.init()
  try {
    await store.write([old, recent].map((t) => ({ metric: 'wifi_clients', device: 'ap1', neighborhood: 'north', instance: '', value: 5, timeMs: t })))
    // a 5m coverage claiming both, as a tier that was computed 60 days ago and since then would leave
    // (its old rows were dropped by the 30 d policy); the store reads coverage at init
    const claim = await fetch(`${influxd.url}/write?db=cut&rp=short5m&precision=ms`, { method: 'POST', body: `civicnet_rollup_state,tier=5m from=${old},to=${recent + H} ${Math.floor(now / H) * H}` })
    assert.is(claim.status, 204)
    await store.rollup('5m', recent, recent + H)
    const at = (t: number) => ({ metric: 'wifi_clients', groupBy: 'neighborhood', fromMs: t, toMs: t + H, stepMs: 5 * M, fn: 'sum', source: 'auto' } as const)
    // 60 days ago is outside the 30 d policy: auto answers from raw, not from an empty tier
    assert.equal(await store.aggregate(at(old)), [{ group: 'north', timeMs: old, value: 5 }])
    assert.equal(await store.aggregate({ ...at(old), source: '5m' }), [])
    assert.equal(await store.aggregate(at(recent)), [{ group: 'north', timeMs: recent, value: 5 }])
    const state = await ql(influxd.url, 'SELECT "from", "to" FROM "cut"."short5m"."civicnet_rollup_state"', 'cut')
    const [, from, to] = state[0]!.series![0]!.values[0] as [string, number, number]
    // the rewritten coverage starts where the policy still keeps data (30 d ago, on a 5m boundary)
    assert.ok(from > now - 30 * D - 5 * M && from <= now - 30 * D + 5 * M, `coverage from ${new Date(from).toISOString()}`)
    assert.is(to, recent + H)
  } finally {
    await store.close()
  }
})

test.run()
