/**
 * The monthly operations report page: pick a month, see per neighborhood the incidents, time
 * to restore (median, 90th percentile), SLA compliance, client-hours lost and resident
 * reports (how many matched an incident), the access points and sites with recurring
 * problems and the method; download it as CSV, PDF or JSON. It shows what GET
 * /api/reports/operations answers and computes no figure of its own (operations/ does, for
 * the API, the CLI and the PDF alike). Signed in by the header's form (session.ts); a role
 * that may not use the page is told so instead of a table.
 *
 * Test hooks (stable): window.__civicnetOps = { ready, loads, report, lastError, downloads };
 * data-testid: ops-form, ops-month, ops-build, ops-status, ops-output, ops-title, ops-table
 * (tr[data-id] with td[data-field][data-value] raw values), ops-recurring (tr[data-id]),
 * ops-recurring-sites, ops-method, ops-download-{csv,pdf,json}.
 */
import { ApiError, createReportClient } from '../../api-client.ts'
import { fmtInt } from '../../format.ts'
import { createSessionBox, dropUrlToken, pageRefusal, saveBlob } from '../../session.ts'
import type { OperationsDoc, OperationsRowDoc } from '../../types.ts'

interface OpsHooks {
  ready: boolean
  loads: number
  report: OperationsDoc | null
  lastError: string | null
  downloads: { format: string; fileName: string; bytes: number }[]
}
declare global {
  interface Window {
    __civicnetOps: OpsHooks
  }
}
const hooks: OpsHooks = { ready: false, loads: 0, report: null, lastError: null, downloads: [] }
window.__civicnetOps = hooks

const urlNote = dropUrlToken()
const params = new URLSearchParams(location.search)
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!
const client = createReportClient({ baseUrl: '' })
const WHO = 'an engineer, analyst or admin account'
const status = (text: string) => ($('[data-testid=ops-status]').textContent = text)
let shown: OperationsDoc | null = null

const minutes = (v: number | null) => (v === null ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: 1 }))
const COLUMNS: { field: keyof OperationsRowDoc; head: string; fmt: (v: never, r: OperationsRowDoc) => string }[] = [
  { field: 'incidents', head: 'Incidents', fmt: fmtInt },
  { field: 'restored', head: 'Restored', fmt: fmtInt },
  { field: 'medianRestoreMinutes', head: 'Median restore (min)', fmt: minutes },
  { field: 'p90RestoreMinutes', head: '90th pct restore (min)', fmt: minutes },
  { field: 'slaPct', head: 'SLA met', fmt: (v: number | null, r) => (v === null ? '–' : `${v.toLocaleString('en-US', { maximumFractionDigits: 1 })} % (${r.slaMet} of ${r.slaJudged})`) },
  { field: 'clientHoursLost', head: 'Client-hours lost', fmt: (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1 }) },
  { field: 'clientHoursUnknown', head: 'Not estimated', fmt: fmtInt },
  { field: 'residentReports', head: 'Resident reports', fmt: fmtInt },
  { field: 'residentReportsMatched', head: 'Matched an incident', fmt: fmtInt },
]

const cell = (tag: 'th' | 'td', text: string, attrs: Record<string, string> = {}) => {
  const el = document.createElement(tag)
  el.textContent = text
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
  return el
}

function render(r: OperationsDoc): void {
  shown = r
  $('[data-testid=ops-title]').textContent = `${r.city}: operations, ${r.month}`
  $('[data-testid=ops-meta]').textContent = `${r.timezone} calendar month · figures as of ${new Date(r.generatedMs).toISOString()}`
  const open = $('[data-testid=ops-open]')
  open.hidden = r.complete
  open.textContent = r.complete ? '' : 'This month is still running: its figures will change.'
  const table = $<HTMLTableElement>('[data-testid=ops-table]')
  const head = document.createElement('tr')
  head.append(cell('th', 'Neighborhood', { scope: 'col' }), ...COLUMNS.map((c) => cell('th', c.head, { scope: 'col', class: 'n' })))
  table.tHead!.replaceChildren(head)
  table.tBodies[0]!.replaceChildren(...[...r.neighborhoods, r.total].map((row) => {
    const tr = document.createElement('tr')
    // (the total's id is '': it is 'total' here, as on the grant report's page)
    tr.dataset.id = row === r.total ? 'total' : row.id
    if (row === r.total) tr.className = 'total'
    tr.append(cell('th', row.name, { scope: 'row' }))
    for (const c of COLUMNS) {
      const v = row[c.field]
      tr.append(cell('td', (c.fmt as (x: unknown, r: OperationsRowDoc) => string)(v, row), { class: `n${v === null ? ' null' : ''}`, 'data-field': c.field, 'data-value': v === null ? '' : String(v) }))
    }
    return tr
  }))
  const names = new Map(r.neighborhoods.map((n) => [n.id, n.name]))
  const rec = $<HTMLTableElement>('[data-testid=ops-recurring]')
  rec.tBodies[0]!.replaceChildren(...(r.recurring.aps.length
    ? r.recurring.aps.map((a) => {
        const tr = document.createElement('tr')
        tr.dataset.id = a.id
        tr.append(cell('th', a.name, { scope: 'row' }), cell('td', names.get(a.neighborhood) ?? a.neighborhood), cell('td', a.incidents.map((i) => `#${i}`).join(', ')))
        return tr
      })
    : [(() => {
        const tr = document.createElement('tr')
        tr.append(cell('td', 'No access point was in two or more incidents this month.', { colspan: '3', class: 'muted' }))
        return tr
      })()]))
  $('[data-testid=ops-recurring-sites]').replaceChildren(...r.recurring.sites.map((s) => Object.assign(document.createElement('li'), { textContent: `Site ${s.id} (${names.get(s.neighborhood) ?? s.neighborhood}): ${s.aps.length} access point(s) with recurring problems, ${s.incidents} incident(s)` })))
  $('[data-testid=ops-method] ul').replaceChildren(...r.method.map((m) => Object.assign(document.createElement('li'), { textContent: m })))
  $('[data-testid=ops-output]').hidden = false
  hooks.report = r
  hooks.loads++
}

/** Says why the page shows nothing when the signed-in role may not use it; true when it may. */
function mayUse(): boolean {
  const no = pageRefusal(session, 'operations', WHO)
  if (no) {
    hooks.lastError = no
    status(no)
    $('[data-testid=ops-output]').hidden = true
  }
  return no === null
}

async function load(): Promise<void> {
  if (!mayUse()) return
  const month = $<HTMLInputElement>('#month').value
  if (!/^\d{4}-\d{2}$/.test(month)) {
    status('Choose a month.')
    return
  }
  status('Building the report…')
  $<HTMLButtonElement>('[data-testid=ops-build]').disabled = true
  try {
    const r = await client.operations(month)
    render(r)
    status(`Report ready: ${r.month}${r.complete ? '' : ' (month still running)'}.`)
    hooks.lastError = null
    history.replaceState(null, '', `${location.pathname}?month=${month}`)
  } catch (err) {
    hooks.lastError = (err as Error).message
    const who = err instanceof ApiError && (err.status === 401 || err.status === 403)
      ? `${(err as Error).message}. This report needs ${WHO}: sign in above.`
      : (err as Error).message
    status(`The report could not be built: ${who}`)
  } finally {
    $<HTMLButtonElement>('[data-testid=ops-build]').disabled = false
  }
}

async function download(format: 'csv' | 'pdf' | 'json'): Promise<void> {
  if (!shown) return
  status(`Preparing the ${format.toUpperCase()}…`)
  try {
    const { blob, fileName } = await client.operationsFile(shown.month, format)
    saveBlob(blob, fileName)
    hooks.downloads.push({ format, fileName, bytes: blob.size })
    status(`Downloaded ${fileName}.`)
  } catch (err) {
    hooks.lastError = (err as Error).message
    status(`The ${format.toUpperCase()} could not be made: ${(err as Error).message}`)
  }
}

$<HTMLFormElement>('[data-testid=ops-form]').addEventListener('submit', (e) => {
  e.preventDefault()
  void load()
})
for (const f of ['csv', 'pdf', 'json'] as const) $(`[data-testid=ops-download-${f}]`).addEventListener('click', () => void download(f))

const now = new Date()
$<HTMLInputElement>('#month').value = /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`
let first = true
const session = createSessionBox({
  root: $('[data-testid=session]'),
  nav: $('[data-testid=nav]'),
  pageId: 'operations',
  onChange() {
    const start = first
    first = false
    if (!mayUse()) return
    if (start && urlNote) status(urlNote)
    else if (!start) status('')
    if (params.has('month') || (!start && shown)) void load()
  },
})
void session.ready.then(() => (hooks.ready = true))
