import { createHash } from 'node:crypto'
/**
 * The one contract every metric store keeps, run unchanged by duckdb.test.ts and
 * influx.test.ts. Expected values are worked out by hand from the samples below.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { DeviceEvent, Sample } from '../../core/metrics.ts'
import type { AggregateQuery, MetricStore, RollupRow } from '../../store/types.ts'
import { StoreQueryError } from '../../store/query.ts'

const M = 60_000
const H = 60 * M
const D = 24 * H
/** 2024-01-01T00:00:00Z, a UTC day start */
export const BASE = Date.UTC(2024, 0, 1)

const s = (metric: string, device: string, neighborhood: string, value: number, timeMs: number, instance = ''): Sample =>
  ({ metric, device, neighborhood, instance, value, timeMs })

/**
 * wifi_clients, one minute instants. North = ap1 + ap2, South = ap3.
 * North instant totals: 00:00 10+5=15, 00:01 20+7=27, 00:05 30, 01:00 40+1=41.
 */
export const SAMPLES: Sample[] = [
  s('wifi_clients', 'ap1', 'north', 10, BASE),
  s('wifi_clients', 'ap1', 'north', 20, BASE + 1 * M),
  s('wifi_clients', 'ap1', 'north', 30, BASE + 5 * M),
  s('wifi_clients', 'ap1', 'north', 40, BASE + H),
  s('wifi_clients', 'ap2', 'north', 5, BASE + 5_000),
  s('wifi_clients', 'ap2', 'north', 7, BASE + 1 * M + 5_000),
  s('wifi_clients', 'ap2', 'north', 1, BASE + H),
  s('wifi_clients', 'ap3', 'south', 100, BASE),
  s('wifi_clients', 'ap3', 'south', 50, BASE + D),
  // bytes per poll interval
  s('wifi_bytes', 'ap1', 'north', 1000, BASE),
  s('wifi_bytes', 'ap1', 'north', 2000, BASE + 30 * M),
  s('wifi_bytes', 'ap1', 'north', 500, BASE + D + 10 * M),
  s('wifi_bytes', 'ap3', 'south', 4000, BASE),
  s('wifi_bytes', 'ap3', 'south', 250, BASE + D),
  // per-SSID clients (instance = SSID)
  s('wifi_clients_ssid', 'ap1', 'north', 3, BASE, 'Free'),
  s('wifi_clients_ssid', 'ap1', 'north', 2, BASE, 'Staff'),
  s('wifi_clients_ssid', 'ap1', 'north', 4, BASE + M, 'Free'),
  s('wifi_clients_ssid', 'ap2', 'north', 6, BASE, 'Free'),
]

export const HOSTILE: string[] = [
  "it's", 'say "hi"', 'back\\slash', 'trailing\\', 'new\nline', 'cr\rreturn', 'a,b', 'a b', 'a=b',
  '; DROP TABLE samples; --', "' OR 1=1 --", '") OR ("1"="1', 'ünïcødé 🚦 城市', '%41 percent', 'tab\there', '/.*/',
]

const EVENTS: DeviceEvent[] = [
  { timeMs: BASE + 2 * M, device: 'ap1', neighborhood: 'north', type: 'linkDown', severity: 'critical', detail: 'ifIndex 1 eth0' },
  { timeMs: BASE + 7 * M, device: 'ap1', neighborhood: 'north', type: 'linkUp', severity: 'info', detail: 'ifIndex 1 eth0' },
  { timeMs: BASE + 3 * M, device: 'ap3', neighborhood: 'south', type: 'coldStart', severity: 'warning', detail: 'rebooted' },
]

const q = (over: Partial<AggregateQuery>): AggregateQuery =>
  ({ metric: 'wifi_clients', groupBy: 'neighborhood', fromMs: BASE, toMs: BASE + 2 * D, stepMs: H, fn: 'mean', ...over })
const key = (r: RollupRow) => JSON.stringify([r.metric, r.neighborhood, r.device, r.instance, r.timeMs])
const sortRows = (rows: RollupRow[]) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))

export function contractSuite(name: string, makeStore: () => Promise<MetricStore>, teardown?: () => Promise<void>) {
  const test = suite<{ store: MetricStore }>(`metric store contract: ${name}`)

  test.before(async (ctx) => {
    ctx.store = await makeStore()
    await ctx.store.init()
    await ctx.store.init() // idempotent
    await ctx.store.write(SAMPLES)
    await ctx.store.writeEvents(EVENTS)
  })
  test.after(async (ctx) => {
    try {
      await ctx.store?.close()
    } finally {
      await teardown?.()
    }
  })

  test('answers ping with true', async ({ store }) => {
    assert.is(await store.ping(), true)
  })

  test('gives per-neighborhood hourly clients as the mean of instant sums', async ({ store }) => {
    assert.equal(await store.aggregate(q({ fn: 'mean' })), [
      { group: 'north', timeMs: BASE, value: 24 }, // (15 + 27 + 30) / 3
      { group: 'north', timeMs: BASE + H, value: 41 },
      { group: 'south', timeMs: BASE, value: 100 },
      { group: 'south', timeMs: BASE + D, value: 50 },
    ])
  })

  test('gives per-neighborhood hourly peak clients as the max of instant sums, not a sum of peaks', async ({ store }) => {
    assert.equal(await store.aggregate(q({ fn: 'max' })), [
      { group: 'north', timeMs: BASE, value: 30 },
      { group: 'north', timeMs: BASE + H, value: 41 },
      { group: 'south', timeMs: BASE, value: 100 },
      { group: 'south', timeMs: BASE + D, value: 50 },
    ])
    assert.equal(await store.aggregate(q({ fn: 'min', where: { neighborhood: ['north'] } })), [
      { group: 'north', timeMs: BASE, value: 15 },
      { group: 'north', timeMs: BASE + H, value: 41 },
    ])
  })

  test('sums bytes per neighborhood per day and counts samples', async ({ store }) => {
    assert.equal(await store.aggregate(q({ metric: 'wifi_bytes', fn: 'sum', stepMs: D })), [
      { group: 'north', timeMs: BASE, value: 3000 },
      { group: 'north', timeMs: BASE + D, value: 500 },
      { group: 'south', timeMs: BASE, value: 4000 },
      { group: 'south', timeMs: BASE + D, value: 250 },
    ])
    assert.equal(await store.aggregate(q({ fn: 'count', stepMs: D })), [
      { group: 'north', timeMs: BASE, value: 7 },
      { group: 'south', timeMs: BASE, value: 1 },
      { group: 'south', timeMs: BASE + D, value: 1 },
    ])
  })

  test('groups by device', async ({ store }) => {
    assert.equal(await store.aggregate(q({ groupBy: 'device', fn: 'max', toMs: BASE + D })), [
      { group: 'ap1', timeMs: BASE, value: 30 },
      { group: 'ap1', timeMs: BASE + H, value: 40 },
      { group: 'ap2', timeMs: BASE, value: 7 },
      { group: 'ap2', timeMs: BASE + H, value: 1 },
      { group: 'ap3', timeMs: BASE, value: 100 },
    ])
    // a device's instances are summed per instant: ap1 at 00:00 has Free 3 + Staff 2
    assert.equal(await store.aggregate(q({ metric: 'wifi_clients_ssid', groupBy: 'device', fn: 'max', stepMs: D })), [
      { group: 'ap1', timeMs: BASE, value: 5 },
      { group: 'ap2', timeMs: BASE, value: 6 },
    ])
  })

  test('filters by device, neighborhood and instance exactly', async ({ store }) => {
    assert.equal(await store.aggregate(q({ fn: 'sum', stepMs: D, where: { device: ['ap2'] } })), [{ group: 'north', timeMs: BASE, value: 13 }])
    assert.equal(await store.aggregate(q({ fn: 'sum', stepMs: D, where: { neighborhood: ['south'], device: ['ap1', 'ap3'] } })), [
      { group: 'south', timeMs: BASE, value: 100 },
      { group: 'south', timeMs: BASE + D, value: 50 },
    ])
    assert.equal(await store.aggregate(q({ metric: 'wifi_clients_ssid', fn: 'max', stepMs: D, where: { instance: ['Free'] } })), [{ group: 'north', timeMs: BASE, value: 9 }])
    assert.equal(await store.aggregate(q({ fn: 'sum', where: { device: ['ap'] } })), [])
    assert.equal(await store.aggregate(q({ metric: 'no_such_metric', fn: 'sum' })), [])
  })

  test('treats ranges as half-open [from, to)', async ({ store }) => {
    // 00:05 (ap1 30) is outside [00:00, 00:05); 00:00 is inside
    assert.equal(await store.aggregate(q({ fn: 'sum', fromMs: BASE, toMs: BASE + 5 * M, stepMs: 5 * M, where: { neighborhood: ['north'] } })), [
      { group: 'north', timeMs: BASE, value: 42 },
    ])
    assert.equal(await store.aggregate(q({ fn: 'sum', fromMs: BASE + 5 * M, toMs: BASE + 10 * M, stepMs: 5 * M, where: { neighborhood: ['north'] } })), [
      { group: 'north', timeMs: BASE + 5 * M, value: 30 },
    ])
  })

  test('leaves steps without data out of the answer', async ({ store }) => {
    const got = await store.aggregate(q({ fn: 'sum', fromMs: BASE, toMs: BASE + 6 * H, stepMs: H, where: { neighborhood: ['north'] } }))
    assert.equal(got.map((p) => p.timeMs), [BASE, BASE + H])
  })

  test('gives the latest value per device and instance', async ({ store }) => {
    assert.equal(await store.latest({ metric: 'wifi_clients' }), [
      { device: 'ap1', neighborhood: 'north', instance: '', value: 40, timeMs: BASE + H },
      { device: 'ap2', neighborhood: 'north', instance: '', value: 1, timeMs: BASE + H },
      { device: 'ap3', neighborhood: 'south', instance: '', value: 50, timeMs: BASE + D },
    ])
    assert.equal(await store.latest({ metric: 'wifi_clients_ssid', where: { device: ['ap1'] } }), [
      { device: 'ap1', neighborhood: 'north', instance: 'Free', value: 4, timeMs: BASE + M },
      { device: 'ap1', neighborhood: 'north', instance: 'Staff', value: 2, timeMs: BASE },
    ])
    assert.equal(await store.latest({ metric: 'wifi_clients', sinceMs: BASE + 2 * H }), [
      { device: 'ap3', neighborhood: 'south', instance: '', value: 50, timeMs: BASE + D },
    ])
  })

  test('refuses bad queries with a StoreQueryError naming the field', async ({ store }) => {
    const cases: [Partial<AggregateQuery>, string][] = [
      [{ stepMs: 0 }, 'stepMs'],
      [{ fromMs: BASE, toMs: BASE }, 'toMs'],
      [{ stepMs: 1, toMs: BASE + D }, 'stepMs'], // 86.4M points
      [{ source: '1h', stepMs: 5 * M }, 'stepMs'],
      [{ source: '1h', fn: 'max', where: { device: ['ap1'] } }, 'source'],
    ]
    for (const [over, field] of cases) {
      try {
        await store.aggregate(q(over))
        assert.unreachable(`expected a StoreQueryError for ${JSON.stringify(over)}`)
      } catch (err) {
        assert.instance(err, StoreQueryError)
        assert.is((err as StoreQueryError).field, field)
      }
    }
  })

  test('writes events and reads them newest first with filters and a limit', async ({ store }) => {
    assert.equal(await store.events({ fromMs: BASE, toMs: BASE + H }), [EVENTS[1], EVENTS[2], EVENTS[0]])
    assert.equal(await store.events({ fromMs: BASE, toMs: BASE + H, device: ['ap1'] }), [EVENTS[1], EVENTS[0]])
    assert.equal(await store.events({ fromMs: BASE, toMs: BASE + H, type: ['coldStart', 'linkDown'] }), [EVENTS[2], EVENTS[0]])
    assert.equal(await store.events({ fromMs: BASE, toMs: BASE + H, limit: 1 }), [EVENTS[1]])
    assert.equal(await store.events({ fromMs: BASE + 3 * M, toMs: BASE + 7 * M }), [EVENTS[2]])
  })

  test('rolls raw up to 5m, 1h and 1d with series rows and neighborhood instant totals', async ({ store }) => {
    assert.is(await store.rollup('5m', BASE, BASE + 2 * D) > 0, true)
    assert.is(await store.rollup('1h', BASE, BASE + 2 * D) > 0, true)
    assert.is(await store.rollup('1d', BASE, BASE + 2 * D) > 0, true)
    const north1h = await store.rollupRows('1h', BASE, BASE + 2 * D, { metric: 'wifi_clients', neighborhood: ['north'] })
    assert.equal(sortRows(north1h), sortRows([
      { metric: 'wifi_clients', device: '', neighborhood: 'north', instance: '', timeMs: BASE, count: 3, sum: 72, min: 15, max: 30 },
      { metric: 'wifi_clients', device: '', neighborhood: 'north', instance: '', timeMs: BASE + H, count: 1, sum: 41, min: 41, max: 41 },
      { metric: 'wifi_clients', device: 'ap1', neighborhood: 'north', instance: '', timeMs: BASE, count: 3, sum: 60, min: 10, max: 30 },
      { metric: 'wifi_clients', device: 'ap1', neighborhood: 'north', instance: '', timeMs: BASE + H, count: 1, sum: 40, min: 40, max: 40 },
      { metric: 'wifi_clients', device: 'ap2', neighborhood: 'north', instance: '', timeMs: BASE, count: 2, sum: 12, min: 5, max: 7 },
      { metric: 'wifi_clients', device: 'ap2', neighborhood: 'north', instance: '', timeMs: BASE + H, count: 1, sum: 1, min: 1, max: 1 },
    ]))
    const day = await store.rollupRows('1d', BASE, BASE + D, { metric: 'wifi_clients', device: [''] })
    assert.equal(sortRows(day), sortRows([
      { metric: 'wifi_clients', device: '', neighborhood: 'north', instance: '', timeMs: BASE, count: 4, sum: 113, min: 15, max: 41 },
      { metric: 'wifi_clients', device: '', neighborhood: 'south', instance: '', timeMs: BASE, count: 1, sum: 100, min: 100, max: 100 },
    ]))
  })

  test('answers from every rollup tier exactly what raw answers', async ({ store }) => {
    for (const tier of ['5m', '1h', '1d'] as const) {
      for (const fn of ['sum', 'count', 'mean', 'max', 'min'] as const) {
        for (const metric of ['wifi_clients', 'wifi_bytes']) {
          const base = q({ metric, fn, stepMs: D })
          assert.equal(await store.aggregate({ ...base, source: tier }), await store.aggregate(base), `${tier} ${fn} ${metric}`)
        }
      }
      const byDevice = q({ groupBy: 'device', fn: 'max', where: { instance: [''] } })
      if (tier !== '1d') assert.equal(await store.aggregate({ ...byDevice, source: tier }), await store.aggregate(byDevice), `${tier} max by device`)
    }
    assert.equal(await store.aggregate(q({ fn: 'mean', stepMs: D, source: '1d' })), [
      { group: 'north', timeMs: BASE, value: 28.25 }, // (15 + 27 + 30 + 41) / 4
      { group: 'south', timeMs: BASE, value: 100 },
      { group: 'south', timeMs: BASE + D, value: 50 },
    ])
    assert.equal(await store.aggregate(q({ fn: 'max', source: 'auto' })), await store.aggregate(q({ fn: 'max' })))
  })

  test('re-running a rollup replaces its rows instead of doubling them', async ({ store }) => {
    const before = sortRows(await store.rollupRows('1h', BASE, BASE + 2 * D))
    await store.rollup('5m', BASE, BASE + 2 * D)
    await store.rollup('1h', BASE, BASE + 2 * D)
    assert.equal(sortRows(await store.rollupRows('1h', BASE, BASE + 2 * D)), before)
    assert.equal(await store.aggregate(q({ fn: 'sum', stepMs: D, source: '1h' })), await store.aggregate(q({ fn: 'sum', stepMs: D })))
  })

  test('folds a late sample in when the rollup is re-run', async ({ store }) => {
    await store.write([s('late_metric', 'ap9', 'east', 2, BASE + 3 * M)])
    await store.rollup('5m', BASE, BASE + H)
    await store.write([s('late_metric', 'ap9', 'east', 5, BASE + 4 * M)])
    await store.rollup('5m', BASE, BASE + H)
    assert.equal(await store.rollupRows('5m', BASE, BASE + H, { metric: 'late_metric', device: ['ap9'] }), [
      { metric: 'late_metric', device: 'ap9', neighborhood: 'east', instance: '', timeMs: BASE, count: 2, sum: 7, min: 2, max: 5 },
    ])
  })

  test('stores hostile names and values intact, filters them exactly and leaves other data untouched', async ({ store }) => {
    const countsBefore = await store.aggregate(q({ fn: 'count', stepMs: D }))
    const hostile = HOSTILE.flatMap((h, i) => [
      s(h, h, h, i + 1, BASE + i * M, h),
      s(h, 'plain', 'plain', 1000, BASE + i * M),
    ])
    await store.write(hostile)
    await store.writeEvents(HOSTILE.map((h, i) => ({ timeMs: BASE + D + i * M, device: h, neighborhood: h, type: h, severity: 'info', detail: h })))
    for (const [i, h] of HOSTILE.entries()) {
      const label = JSON.stringify(h)
      assert.equal(await store.latest({ metric: h, where: { device: [h] } }), [{ device: h, neighborhood: h, instance: h, value: i + 1, timeMs: BASE + i * M }], `latest ${label}`)
      assert.equal(await store.latest({ metric: h, where: { instance: [h] } }), [{ device: h, neighborhood: h, instance: h, value: i + 1, timeMs: BASE + i * M }], `instance ${label}`)
      assert.equal(await store.aggregate(q({ metric: h, fn: 'sum', stepMs: D, where: { neighborhood: [h] } })), [{ group: h, timeMs: BASE, value: i + 1 }], `neighborhood ${label}`)
      assert.equal(await store.aggregate(q({ metric: h, groupBy: 'device', fn: 'max', stepMs: D })), [
        { group: h, timeMs: BASE, value: i + 1 },
        { group: 'plain', timeMs: BASE, value: 1000 },
      ].sort((a, b) => (a.group < b.group ? -1 : 1)), `device ${label}`)
      assert.equal(await store.events({ fromMs: BASE + D + i * M, toMs: BASE + D + i * M + 1, device: [h], type: [h] }), [
        { timeMs: BASE + D + i * M, device: h, neighborhood: h, type: h, severity: 'info', detail: h },
      ], `event ${label}`)
    }
    // the hostile metric names are not data of wifi_clients: counts are unchanged and every table still answers
    assert.equal(await store.aggregate(q({ fn: 'count', stepMs: D })), countsBefore)
    assert.equal(await store.aggregate(q({ metric: 'wifi_bytes', fn: 'sum', stepMs: D, where: { neighborhood: ['north'] } })), [
      { group: 'north', timeMs: BASE, value: 3000 },
      { group: 'north', timeMs: BASE + D, value: 500 },
    ])
    assert.is((await store.events({ fromMs: BASE, toMs: BASE + H })).length, 3)
    assert.is((await store.rollupRows('1h', BASE, BASE + 2 * D, { metric: 'wifi_clients' })).length, 10)
    // a rollup over hostile names keeps them intact too
    await store.rollup('5m', BASE, BASE + H)
    const rows = await store.rollupRows('5m', BASE, BASE + H, { metric: HOSTILE[3]!, device: [HOSTILE[3]!] })
    assert.equal(rows.map((r) => [r.metric, r.device, r.neighborhood, r.instance, r.sum]), [[HOSTILE[3], HOSTILE[3], HOSTILE[3], HOSTILE[3], 4]])
  })

  test('writing a sample whose metric, device, instance and time exist replaces its value (last write wins)', async ({ store }) => {
    // dup_metric, 4 minutes x 2 APs; as a replay after a crash would resend them
    const first = [0, 1, 2, 3].flatMap((m) => [
      s('dup_metric', 'ap1', 'north', 10 + m, BASE + m * M),
      s('dup_metric', 'ap2', 'north', 20 + m, BASE + m * M, 'x'),
    ])
    const sumCount = async () => [
      await store.aggregate(q({ metric: 'dup_metric', groupBy: 'device', fn: 'sum', stepMs: D })),
      await store.aggregate(q({ metric: 'dup_metric', groupBy: 'device', fn: 'count', stepMs: D })),
    ]
    await store.write(first)
    await store.write(first)
    assert.equal(await sumCount(), [
      [{ group: 'ap1', timeMs: BASE, value: 46 }, { group: 'ap2', timeMs: BASE, value: 86 }], // 10+11+12+13, 20+21+22+23
      [{ group: 'ap1', timeMs: BASE, value: 4 }, { group: 'ap2', timeMs: BASE, value: 4 }],
    ])
    // overlaps the later half of the first batch with new values, and adds two minutes
    const second = [2, 3, 4, 5].flatMap((m) => [
      s('dup_metric', 'ap1', 'north', 100 + m, BASE + m * M),
      s('dup_metric', 'ap2', 'north', 200 + m, BASE + m * M, 'x'),
    ])
    await store.write(second)
    assert.equal(await sumCount(), [
      [{ group: 'ap1', timeMs: BASE, value: 435 }, { group: 'ap2', timeMs: BASE, value: 855 }], // 10+11+102+103+104+105, 20+21+202+203+204+205
      [{ group: 'ap1', timeMs: BASE, value: 6 }, { group: 'ap2', timeMs: BASE, value: 6 }],
    ])
    // the same key twice in one batch: the later one is kept
    await store.write([s('dup_metric', 'ap1', 'north', 1, BASE + 9 * M), s('dup_metric', 'ap1', 'north', 2, BASE + 9 * M)])
    assert.equal(await store.latest({ metric: 'dup_metric', where: { device: ['ap1'] } }), [
      { device: 'ap1', neighborhood: 'north', instance: '', value: 2, timeMs: BASE + 9 * M },
    ])
    assert.equal((await sumCount())[1], [{ group: 'ap1', timeMs: BASE, value: 7 }, { group: 'ap2', timeMs: BASE, value: 6 }])
  })

  test('counts station digests exactly per day, device, neighborhood and de-duplicated city', async ({ store }) => {
    const dg = (n: number) => createHash('sha256').update(`client ${n}`).digest('hex')
    const sg = (period: string, device: string, neighborhood: string, n: number, randomized = false, scope: 'day' | 'month' | 'quarter' = 'day') =>
      ({ scope, period, device, neighborhood, digest: dg(n), randomized })
    // day 1: ap1 (north) sees clients 1-4 (3 and 4 randomized), ap2 (north) sees 3-5, ap3 (south) sees 5-6
    // -> ap1 4, ap2 3, ap3 2; north {1..5} 5 (2 randomized), south {5,6} 2; city {1..6} 6, not 5 + 2 = 7
    // day 2: ap1 sees 1 again (another day's key would give another digest; the store only counts)
    const rows = [
      sg('2026-01-15', 'ap1', 'north', 1), sg('2026-01-15', 'ap1', 'north', 2), sg('2026-01-15', 'ap1', 'north', 3, true), sg('2026-01-15', 'ap1', 'north', 4, true),
      sg('2026-01-15', 'ap2', 'north', 3, true), sg('2026-01-15', 'ap2', 'north', 4, true), sg('2026-01-15', 'ap2', 'north', 5),
      sg('2026-01-15', 'ap3', 'south', 5), sg('2026-01-15', 'ap3', 'south', 6),
      sg('2026-01-16', 'ap1', 'north', 1),
      sg('2026Q1', 'ap1', 'north', 1, false, 'quarter'), sg('2026Q1', 'ap3', 'south', 1, false, 'quarter'),
    ]
    await store.writeSightings(rows)
    await store.writeSightings(rows.slice(0, 5)) // set semantics: written twice is stored once
    const day = ['2026-01-15', '2026-01-16']
    assert.equal(await store.countSightings({ scope: 'day', periods: day, groupBy: 'device' }), [
      { period: '2026-01-15', group: 'ap1', unique: 4, randomized: 2 },
      { period: '2026-01-15', group: 'ap2', unique: 3, randomized: 2 },
      { period: '2026-01-15', group: 'ap3', unique: 2, randomized: 0 },
      { period: '2026-01-16', group: 'ap1', unique: 1, randomized: 0 },
    ])
    assert.equal(await store.countSightings({ scope: 'day', periods: day, groupBy: 'neighborhood' }), [
      { period: '2026-01-15', group: 'north', unique: 5, randomized: 2 },
      { period: '2026-01-15', group: 'south', unique: 2, randomized: 0 },
      { period: '2026-01-16', group: 'north', unique: 1, randomized: 0 },
    ])
    assert.equal(await store.countSightings({ scope: 'day', periods: day, groupBy: 'all' }), [
      { period: '2026-01-15', group: '', unique: 6, randomized: 2 },
      { period: '2026-01-16', group: '', unique: 1, randomized: 0 },
    ])
    assert.equal(await store.countSightings({ scope: 'day', periods: ['2026-01-15'], groupBy: 'all', where: { device: ['ap2', 'ap3'] } }), [
      { period: '2026-01-15', group: '', unique: 4, randomized: 2 },
    ])
    assert.equal(await store.countSightings({ scope: 'quarter', periods: ['2026Q1'], groupBy: 'all' }), [{ period: '2026Q1', group: '', unique: 1, randomized: 0 }])
    assert.equal(await store.countSightings({ scope: 'day', periods: ['2026-01-17'], groupBy: 'all' }), [])
    assert.equal(await store.countSightings({ scope: 'day', periods: [], groupBy: 'all' }), [])
    // bad input names the field and stores nothing
    const refusal = async (p: Promise<unknown>) => p.then(() => 'stored', (err: Error) => `${err.name}: ${err.message}`)
    assert.is(await refusal(store.writeSightings([{ ...rows[0]!, digest: 'aa:bb:cc:dd:ee:ff' }])), 'StoreWriteError: sighting 0: digest must be 64 lower-case hex characters')
    assert.is(await refusal(store.writeSightings([{ ...rows[0]!, period: '2026-1-15' }])), "StoreWriteError: sighting 0: period '2026-1-15' is not a day")
    assert.is(await refusal(store.countSightings({ scope: 'day', periods: ['2026Q1'], groupBy: 'all' })), "StoreQueryError: periods: '2026Q1' is not a day")
    assert.equal(await store.countSightings({ scope: 'day', periods: ['2026-01-15'], groupBy: 'all' }), [{ period: '2026-01-15', group: '', unique: 6, randomized: 2 }])
  })

  return test
}
