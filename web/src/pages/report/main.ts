/**
 * The report page: pick a period (days, a quarter or a year of the city's local calendar)
 * and neighborhoods, see the report's table and charts, download it as CSV, PDF or JSON.
 * It shows what GET /api/reports answers and computes no figure of its own: the numbers are
 * buildReport's (reports/), the same as the CLI's and the PDF's. Signed in by the header's
 * form (session.ts); a role that may not use the page is told so instead of a table.
 *
 * Test hooks (stable): window.__civicnetReport = { ready, loads, report (the JSON shown),
 * lastError, downloads: [{ format, fileName, bytes }] }; data-testid: report-form, from, to,
 * quarter-select, year-select, neighborhood-choices (input[data-id]), report-build,
 * report-status, report-output, report-title, open-period, report-table (tr[data-id] with
 * td[data-field][data-value] raw values), chart-bytes, chart-availability (li[data-id]
 * [data-value]), chart-hour-of-day, download-csv, download-pdf, download-json, report-reasons.
 */
import uPlot from 'uplot'
import { ApiError, createReportClient } from '../../api-client.ts'
import { fmtBytes, fmtInt, fmtPct } from '../../format.ts'
import { createSessionBox, dropUrlToken, pageRefusal, saveBlob } from '../../session.ts'
import type { ReportDoc, ReportParams, ReportRowDoc } from '../../types.ts'

interface ReportHooks {
  ready: boolean
  loads: number
  report: ReportDoc | null
  lastError: string | null
  downloads: { format: string; fileName: string; bytes: number }[]
}
declare global {
  interface Window {
    __civicnetReport: ReportHooks
  }
}
const hooks: ReportHooks = { ready: false, loads: 0, report: null, lastError: null, downloads: [] }
window.__civicnetReport = hooks

// A token in the address is dropped unread, as on the map.
const urlNote = dropUrlToken()
const params = new URLSearchParams(location.search)

const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!
const client = createReportClient({ baseUrl: '' })
const WHO = 'an analyst or admin account'
const status = (text: string) => {
  $('[data-testid=report-status]').textContent = text
}

let current: { params: ReportParams; report: ReportDoc } | null = null
const plots: uPlot[] = []

/** Today in the browser's calendar, as YYYY-MM-DD (the server checks the city's). */
function isoDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

function fillPeriodChoices(): void {
  const now = new Date()
  const from = new Date(now)
  from.setDate(from.getDate() - 6)
  $<HTMLInputElement>('#from').value = params.get('from') ?? isoDay(from)
  $<HTMLInputElement>('#to').value = params.get('to') ?? isoDay(now)
  const qs = $<HTMLSelectElement>('#quarter')
  let y = now.getFullYear()
  let q = Math.floor(now.getMonth() / 3) + 1
  for (let i = 0; i < 8; i++) {
    const v = `${y}Q${q}`
    qs.append(new Option(`${v}${i === 0 ? ' (so far)' : ''}`, v))
    if (--q === 0) {
      q = 4
      y--
    }
  }
  const ys = $<HTMLSelectElement>('#year')
  for (let i = 0; i < 3; i++) {
    const v = String(now.getFullYear() - i)
    ys.append(new Option(`${v}${i === 0 ? ' (so far)' : ''}`, v))
  }
  if (params.get('quarter')) {
    qs.value = params.get('quarter')!
    $<HTMLInputElement>('#kind-quarter').checked = true
  } else if (params.get('year')) {
    ys.value = params.get('year')!
    $<HTMLInputElement>('#kind-year').checked = true
  }
}

async function fillNeighborhoods(): Promise<void> {
  const box = $('[data-testid=neighborhood-choices]')
  let list: { id: string; name: string; served: boolean }[]
  try {
    list = await client.neighborhoods()
  } catch (err) {
    box.querySelector('p')!.textContent = `Could not load the neighborhoods: ${(err as Error).message}`
    throw err
  }
  box.querySelector('p')!.remove()
  const asked = params.get('neighborhoods')?.split(',') ?? null
  for (const n of list.filter((x) => x.served)) {
    const label = document.createElement('label')
    const input = document.createElement('input')
    input.type = 'checkbox'
    input.value = n.id
    input.dataset.id = n.id
    input.checked = asked === null || asked.includes('all') || asked.includes(n.id)
    label.append(input, ` ${n.name}`)
    box.append(label)
  }
}

function readForm(): ReportParams {
  const kind = document.querySelector<HTMLInputElement>('input[name=kind]:checked')?.value ?? 'range'
  const boxes = [...document.querySelectorAll<HTMLInputElement>('[data-testid=neighborhood-choices] input[type=checkbox]')]
  const chosen = boxes.filter((b) => b.checked).map((b) => b.value)
  const neighborhoods: ReportParams['neighborhoods'] = chosen.length === boxes.length ? 'all' : chosen
  if (kind === 'quarter') return { quarter: $<HTMLSelectElement>('#quarter').value, neighborhoods }
  if (kind === 'year') return { year: $<HTMLSelectElement>('#year').value, neighborhoods }
  return { from: $<HTMLInputElement>('#from').value, to: $<HTMLInputElement>('#to').value, neighborhoods }
}

const num = (digits: number) => (v: number | null) => (v === null ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }))
const COLUMNS: { field: keyof ReportRowDoc; head: string; fmt: (v: never) => string }[] = [
  { field: 'aps', head: 'APs', fmt: fmtInt },
  { field: 'uniqueClientsDailyAvg', head: 'Unique clients / day', fmt: num(1) },
  { field: 'deviceDays', head: 'Device-days', fmt: fmtInt },
  { field: 'uniqueClientsPeriod', head: 'Unique (period)', fmt: fmtInt },
  { field: 'bytes', head: 'Data used', fmt: fmtBytes },
  { field: 'gbPerDeviceDay', head: 'GB / device-day', fmt: num(3) },
  { field: 'peakConcurrentClients', head: 'Peak concurrent', fmt: fmtInt },
  { field: 'availabilityPct', head: 'Availability', fmt: (v: number | null) => fmtPct(v, 3) },
  { field: 'availabilityTargetMet', head: 'Target', fmt: (v: boolean | null) => (v === null ? '–' : v ? 'met' : 'not met') },
  { field: 'outageMinutes', head: 'Outage AP-min', fmt: num(1) },
  { field: 'outages', head: 'Outages', fmt: fmtInt },
  { field: 'meanTimeToRestoreMinutes', head: 'MTTR min', fmt: num(1) },
  { field: 'householdsWithoutBroadband', head: 'Households w/o broadband', fmt: fmtInt },
]

function renderTable(r: ReportDoc): void {
  const table = $<HTMLTableElement>('[data-testid=report-table]')
  const head = document.createElement('tr')
  const th0 = document.createElement('th')
  th0.scope = 'col'
  th0.textContent = 'Neighborhood'
  head.append(th0)
  for (const c of COLUMNS) {
    const th = document.createElement('th')
    th.scope = 'col'
    th.className = 'n'
    th.textContent = c.head
    head.append(th)
  }
  table.tHead!.replaceChildren(head)
  const rows = [...r.neighborhoods, r.total].map((row) => {
    const tr = document.createElement('tr')
    tr.dataset.id = row.id
    if (row.id === 'total') tr.className = 'total'
    const th = document.createElement('th')
    th.scope = 'row'
    th.textContent = row.name
    tr.append(th)
    for (const c of COLUMNS) {
      const v = row[c.field]
      const td = document.createElement('td')
      td.className = `n${v === null ? ' null' : ''}`
      td.dataset.field = c.field
      td.dataset.value = v === null ? '' : String(v)
      td.textContent = (c.fmt as (x: unknown) => string)(v)
      const why = v === null ? r.method.reasons[`${row.id === 'total' ? 'total' : `neighborhoods.${row.id}`}.${c.field}`] : undefined
      if (why) td.title = why
      tr.append(td)
    }
    return tr
  })
  table.tBodies[0]!.replaceChildren(...rows)
}

function chart(fig: HTMLElement, title: string, x: number[], series: { label: string; values: (number | null)[]; stroke: string; dash?: number[] }[], xLabel: (v: number) => string): void {
  fig.querySelectorAll('.plot').forEach((e) => e.remove())
  const holder = document.createElement('div')
  holder.className = 'plot'
  holder.setAttribute('role', 'img')
  holder.setAttribute('aria-label', title)
  fig.append(holder)
  const width = Math.max(320, Math.min(860, fig.clientWidth || 720))
  plots.push(new uPlot({
    width,
    height: 220,
    scales: { x: { time: false } },
    axes: [{ incrs: [1, 2, 3, 4, 6, 7, 12, 14, 28, 30, 31], values: (_u, ticks) => ticks.map(xLabel) }, {}],
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, ...(s.dash ? { dash: s.dash } : {}) }))],
  }, [x, ...series.map((s) => s.values)], holder))
}

const COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000']

function renderCharts(r: ReportDoc): void {
  for (const p of plots.splice(0)) p.destroy()
  const days = r.daily.map((_, i) => i)
  const ids = r.neighborhoods.map((n) => n.id)
  const gb = $('[data-testid=chart-bytes]')
  gb.dataset.points = String(r.daily.length)
  chart(gb, 'Data used per day (GB)', days, [
    ...ids.map((id, k) => ({ label: r.neighborhoods[k]!.name, values: r.daily.map((d) => (d.bytes[id] === null || d.bytes[id] === undefined ? null : d.bytes[id]! / 1e9)), stroke: COLORS[k % COLORS.length]! })),
    { label: 'Total', values: r.daily.map((d) => (d.bytes.total === null || d.bytes.total === undefined ? null : d.bytes.total / 1e9)), stroke: '#111827', dash: [6, 4] },
  ], (i) => r.daily[i]?.date.slice(5) ?? '')
  const bars = $('[data-testid=chart-availability] ul')
  const target = r.method.availabilityTarget.pct
  bars.replaceChildren(...[...r.neighborhoods, r.total].map((row) => {
    const li = document.createElement('li')
    li.dataset.id = row.id
    li.dataset.value = row.availabilityPct === null ? '' : String(row.availabilityPct)
    const name = document.createElement('span')
    name.className = 'bar-name'
    name.textContent = row.name
    const bar = document.createElement('span')
    bar.className = `bar ${row.availabilityTargetMet === false ? 'miss' : 'met'}`
    const lo = 90
    const pct = row.availabilityPct === null ? 0 : Math.max(0, (row.availabilityPct - lo) / (100 - lo)) * 100
    bar.style.width = `${pct.toFixed(1)}%`
    const val = document.createElement('span')
    val.className = 'bar-value'
    val.textContent = row.availabilityPct === null ? 'not measured' : `${row.availabilityPct.toFixed(3)} % (${row.availabilityTargetMet ? 'meets' : 'below'} ${target} %)`
    li.append(name, bar, val)
    return li
  }))
  const hod = $('[data-testid=chart-hour-of-day]')
  const a = r.hourOfDay.averageConcurrentClients
  chart(hod, 'Average concurrent clients by local hour of day', Array.from({ length: 24 }, (_, h) => h), [
    ...ids.map((id, k) => ({ label: r.neighborhoods[k]!.name, values: a[id] ?? [], stroke: COLORS[k % COLORS.length]! })),
    { label: 'Total', values: a.total ?? [], stroke: '#111827', dash: [6, 4] },
  ], (h) => `${h}h`)
}

function renderMethod(r: ReportDoc): void {
  const dl = $('[data-testid=report-method] dl')
  const items: [string, string][] = [
    ['Unique clients', r.method.uniqueClients],
    ['Data used', r.method.bytes],
    ['Peak concurrent clients', r.method.peakConcurrentClients],
    ['Availability', r.method.availability],
    ['Target', `${r.method.availabilityTarget.pct} %: ${r.method.availabilityTarget.basis}`],
    ...r.method.notes.map((n): [string, string] => ['Note', n]),
  ]
  dl.replaceChildren(...items.flatMap(([k, v]) => {
    const dt = document.createElement('dt')
    dt.textContent = k
    const dd = document.createElement('dd')
    dd.textContent = v
    return [dt, dd]
  }))
  $('[data-testid=report-reasons]').replaceChildren(...Object.entries(r.method.reasons).map(([k, v]) => {
    const li = document.createElement('li')
    const code = document.createElement('code')
    code.textContent = k
    li.append(code, `: ${v}`)
    return li
  }))
}

function show(p: ReportParams, r: ReportDoc): void {
  current = { params: p, report: r }
  $('[data-testid=report-title]').textContent = r.title
  $('[data-testid=report-meta]').textContent = `${r.period.days} days (${r.period.timeZone}) · figures as of ${r.generatedAt} · data version ${r.dataVersion}`
  const open = $('[data-testid=open-period]')
  open.hidden = !r.period.open
  open.textContent = r.period.open ? `This period is still open: the figures run to ${r.generatedAt} and will change as data arrives.` : ''
  const out = $('[data-testid=report-output]')
  out.hidden = false
  renderTable(r)
  renderCharts(r)
  renderMethod(r)
  hooks.report = r
  hooks.loads++
}

/** Says why the page shows nothing when the signed-in role may not use it; true when it may. */
function mayUse(): boolean {
  const no = pageRefusal(session, 'report', WHO)
  if (no) {
    hooks.lastError = no
    status(no)
    $('[data-testid=report-output]').hidden = true
  }
  return no === null
}

async function load(): Promise<void> {
  if (!mayUse()) return
  const p = readForm()
  if (Array.isArray(p.neighborhoods) && p.neighborhoods.length === 0) {
    status('Choose at least one neighborhood.')
    return
  }
  status('Building the report…')
  $<HTMLButtonElement>('[data-testid=report-build]').disabled = true
  try {
    const r = await client.report(p)
    show(p, r)
    status(`Report ready: ${r.period.label}${r.period.open ? ' (period still open)' : ''}.`)
    hooks.lastError = null
    // the address says what is shown (never a token), so a reload or a shared link shows it again
    const q = new URLSearchParams()
    if (p.quarter) q.set('quarter', p.quarter)
    else if (p.year) q.set('year', p.year)
    else {
      q.set('from', p.from!)
      q.set('to', p.to!)
    }
    if (p.neighborhoods !== 'all') q.set('neighborhoods', p.neighborhoods.join(','))
    history.replaceState(null, '', `${location.pathname}?${q}`)
  } catch (err) {
    hooks.lastError = (err as Error).message
    const who = err instanceof ApiError && (err.status === 401 || err.status === 403)
      ? `${(err as Error).message}. Reports need ${WHO}: sign in above.`
      : (err as Error).message
    status(`The report could not be built: ${who}`)
  } finally {
    $<HTMLButtonElement>('[data-testid=report-build]').disabled = false
  }
}

async function download(format: 'csv' | 'pdf' | 'json'): Promise<void> {
  if (!current) return
  status(`Preparing the ${format.toUpperCase()}…`)
  try {
    const { blob, fileName } = await client.file(current.params, format)
    saveBlob(blob, fileName)
    hooks.downloads.push({ format, fileName, bytes: blob.size })
    status(`Downloaded ${fileName}.`)
  } catch (err) {
    hooks.lastError = (err as Error).message
    status(`The ${format.toUpperCase()} could not be made: ${(err as Error).message}`)
  }
}

$<HTMLFormElement>('[data-testid=report-form]').addEventListener('submit', (e) => {
  e.preventDefault()
  void load()
})
for (const f of ['csv', 'pdf', 'json'] as const) $(`[data-testid=download-${f}]`).addEventListener('click', () => void download(f))
// choosing a quarter or year picks its radio
$('#quarter').addEventListener('change', () => ($<HTMLInputElement>('#kind-quarter').checked = true))
$('#year').addEventListener('change', () => ($<HTMLInputElement>('#kind-year').checked = true))
for (const id of ['#from', '#to']) $(id).addEventListener('change', () => ($<HTMLInputElement>('#kind-range').checked = true))

let started = false
const session = createSessionBox({
  root: $('[data-testid=session]'),
  nav: $('[data-testid=nav]'),
  pageId: 'report',
  onChange() {
    // a later change of who is signed in: say so, and show the report again if one was
    if (!started) return
    if (mayUse()) {
      status('')
      if (current) void load()
    }
  },
})

async function start(): Promise<void> {
  fillPeriodChoices()
  try {
    await fillNeighborhoods()
  } catch (err) {
    hooks.lastError = (err as Error).message
  }
  await session.ready
  started = true
  hooks.ready = true
  if (!mayUse()) return
  if (urlNote) status(urlNote)
  if (params.has('from') || params.has('quarter') || params.has('year')) await load()
}
void start()
