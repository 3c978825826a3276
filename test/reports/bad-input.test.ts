/**
 * Bad report input, refused by every door naming the parameter: resolvePeriod and
 * buildReport's ReportInputError (what the CLI prints as --<param>), and GET /api/reports'
 * 4xx answers in the project's error shape; the good periods (a quarter, a year, a range
 * with to inclusive) resolve to the local days they name.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildReport, ReportInputError } from '../../reports/index.ts'
import { resolvePeriod } from '../../reports/period.ts'
import { FROM, openApiFixture, TO, TZ, type ApiFixture } from './fixture.ts'

const test = suite<{ f: ApiFixture }>('reports: bad input is refused, naming the parameter', {} as { f: ApiFixture })
test.before(async (ctx) => {
  ctx.f = await openApiFixture()
})
test.after(async (ctx) => {
  await ctx.f?.close()
})

const today = '2026-03-20'

test('periods: a quarter, a year, a range (to inclusive), across DST', () => {
  const q = resolvePeriod({ quarter: '2026Q1' }, { timeZone: TZ, today })
  assert.equal([q.kind, q.from, q.to, q.toExclusive, q.days.length, q.name], ['quarter', '2026-01-01', '2026-03-31', '2026-04-01', 90, '2026Q1'])
  const y = resolvePeriod({ year: '2024' }, { timeZone: TZ, today })
  assert.equal([y.from, y.to, y.days.length], ['2024-01-01', '2024-12-31', 366])
  const r = resolvePeriod({ from: '2026-03-08', to: '2026-03-08' }, { timeZone: TZ, today })
  assert.equal([r.days.length, (r.days[0]!.endMs - r.days[0]!.startMs) / 3_600_000, r.label], [1, 23, 'March 8, 2026'])
  assert.is(resolvePeriod({ from: '2025-12-30', to: '2026-01-02' }, { timeZone: TZ, today }).label, 'December 30, 2025 – January 2, 2026')
})

const cases: [string, Record<string, string>, { param: string; kind: string; message: RegExp }][] = [
  ['an inverted period', { from: '2026-03-09', to: '2026-03-05' }, { param: 'to', kind: 'range', message: /2026-03-05 is before from \(2026-03-09\): the period is inverted/ }],
  ['a period over a year', { from: '2025-01-01', to: '2026-03-09' }, { param: 'to', kind: 'range', message: /the period is 433 days; at most 366/ }],
  ['an empty period (it starts after today)', { from: '2026-04-01', to: '2026-04-30' }, { param: 'from', kind: 'range', message: /2026-04-01 is after today \(2026-03-20 in America\/New_York\): the period is empty/ }],
  ['a period before the data kept', { from: '2026-03-01', to: '2026-03-09' }, { param: 'from', kind: 'range', message: /the period starts 2026-03-01 but the stored data begins 2026-03-04 \(2026-03-04T05:00:00\.000Z\): the store keeps every poll from its first one on.*start the period on 2026-03-04 or later/ }],
  ['a year with no data at all', { year: '2025' }, { param: 'from', kind: 'range', message: /no poll is stored from 35 days before the period through its end/ }],
  ['a malformed quarter', { quarter: '2026Q5' }, { param: 'quarter', kind: 'value', message: /'2026Q5' is not a quarter \(write it like 2026Q3\)/ }],
  ['a malformed year', { year: '26' }, { param: 'year', kind: 'value', message: /'26' is not a year/ }],
  ['a date that does not exist', { from: '2026-02-29', to: TO }, { param: 'from', kind: 'value', message: /'2026-02-29' is not a date/ }],
  ['from without to', { from: FROM }, { param: 'to', kind: 'value', message: /is required with from/ }],
  ['no period at all', {}, { param: 'from', kind: 'value', message: /no period given/ }],
  ['two periods at once', { quarter: '2026Q1', year: '2026' }, { param: 'quarter', kind: 'value', message: /give one period only/ }],
  ['an unknown neighborhood', { from: FROM, to: TO, neighborhoods: 'north,atlantis' }, { param: 'neighborhoods', kind: 'not-found', message: /'atlantis' is not a neighborhood/ }],
  ["'all' with ids", { from: FROM, to: TO, neighborhoods: 'all,north' }, { param: 'neighborhoods', kind: 'value', message: /'all' cannot be combined/ }],
]

test('buildReport refuses each with a ReportInputError naming the parameter', async ({ f }) => {
  for (const [what, q, want] of cases) {
    try {
      await buildReport(q, f.deps)
      assert.unreachable(`${what}: refused`)
    } catch (err) {
      if (err instanceof assert.Assertion) throw err
      assert.instance(err, ReportInputError, what)
      const e = err as ReportInputError
      assert.is(e.param, want.param, what)
      assert.is(e.kind, want.kind, what)
      assert.match(e.message, new RegExp(`^${want.param}: `), what)
      assert.match(e.detail, want.message, what)
    }
  }
})

test('GET /api/reports answers each with a 4xx in the project\'s error shape, naming the parameter', async ({ f }) => {
  const expect: Record<string, [number, string, RegExp]> = {
    'a malformed quarter': [400, 'CN_ERR_VALIDATION', /^invalid request: querystring\.quarter must be a quarter like 2026Q3$/],
    'a malformed year': [400, 'CN_ERR_VALIDATION', /^invalid request: querystring\.year must be a year like 2026$/],
    'an unknown neighborhood': [404, 'CN_ERR_NEIGHBORHOOD_NOT_FOUND', /^neighborhood 'atlantis' not found \(field 'neighborhoods'\)$/],
  }
  for (const [what, q, want] of cases) {
    const res = await f.app.inject({ method: 'GET', url: `/api/reports?${new URLSearchParams(q)}`, headers: { authorization: `Bearer ${f.tokens.analyst}` } })
    const body = res.json()
    assert.equal(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'], what)
    const [status, code, message] = expect[what] ?? (want.kind === 'range'
      ? [400, 'CN_ERR_BAD_RANGE', new RegExp(`^bad time range: ${want.param}: .*${want.message.source}`)]
      : [400, 'CN_ERR_VALIDATION', new RegExp(`^invalid request: querystring\\.${want.param}: .*${want.message.source}`)])
    assert.is(res.statusCode, status, `${what}: ${res.body}`)
    assert.is(body.code, code, what)
    assert.match(body.message, message, what)
  }
  // the schema's own refusals: an unknown field, a bad format, a bad target
  for (const [url, message] of [
    [`/api/reports?from=${FROM}&to=${TO}&fromMs=1`, /querystring has unknown field 'fromMs'/],
    [`/api/reports?from=${FROM}&to=${TO}&format=docx`, /querystring\.format must be one of json, csv, html, pdf/],
    [`/api/reports?from=${FROM}&to=${TO}&target=0x10`, /querystring\.target must be a percentage/],
    [`/api/reports?from=2026-3-5&to=${TO}`, /querystring\.from must be a date YYYY-MM-DD/],
    ['/api/reports/runs/0x1', /params\.id must be a decimal integer/],
  ] as const) {
    const res = await f.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${f.tokens.admin}` } })
    assert.is(res.statusCode, 400, url)
    assert.match(res.json().message, message, url)
  }
  const nf = await f.app.inject({ method: 'GET', url: '/api/reports/runs/424242', headers: { authorization: `Bearer ${f.tokens.admin}` } })
  assert.equal([nf.statusCode, nf.json().code], [404, 'CN_ERR_REPORT_RUN_NOT_FOUND'])
})

test('a refused report saves no run; a good one saves one, listed with its parameters', async ({ f }) => {
  const runs = async () => (await f.app.inject({ method: 'GET', url: '/api/reports/runs', headers: { authorization: `Bearer ${f.tokens.analyst}` } })).json().runs as { id: number; door: string; format: string; params: { from: string; to: string }; dataVersion: string }[]
  const before = (await runs()).length
  await f.app.inject({ method: 'GET', url: '/api/reports?quarter=2026Q5', headers: { authorization: `Bearer ${f.tokens.analyst}` } })
  assert.is((await runs()).length, before)
  const ok = await f.app.inject({ method: 'GET', url: `/api/reports?from=${FROM}&to=${TO}&format=csv`, headers: { authorization: `Bearer ${f.tokens.analyst}` } })
  assert.is(ok.statusCode, 200)
  assert.match(String(ok.headers['content-disposition']), /^attachment; filename="testville-wifi-2026-03-05_2026-03-09\.csv"$/)
  const list = await runs()
  assert.is(list.length, before + 1)
  assert.equal([list[0]!.door, list[0]!.format, list[0]!.params.from, list[0]!.params.to], ['api', 'csv', FROM, TO])
  assert.is(list[0]!.dataVersion, ok.headers['x-civicnet-data-version'])
  const saved = await f.app.inject({ method: 'GET', url: `/api/reports/runs/${list[0]!.id}`, headers: { authorization: `Bearer ${f.tokens.analyst}` } })
  assert.is(saved.json().dataVersion, list[0]!.dataVersion)
})

test.run()
