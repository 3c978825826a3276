/**
 * The map page: loads neighborhoods (public) and, signed in as an engineer (or admin),
 * devices, links and events; draws them; refreshes every poll interval; exposes test hooks
 * on window.__civicnet. Configuration comes from the URL: ?refresh=<seconds>, ?tiles=0.
 * Signing in is the header's form (session.ts: a session cookie, never a token in the
 * page); a ?token= in the address is dropped from the address bar unread.
 *
 * Test hooks (stable; tests and benchmarks rely on them):
 * - window.__civicnet: { ready, refreshes, neighborhoods, served, markers (AP id -> status),
 *   links (fiber link id -> status),
 *   interactiveMs, lastRefreshMs, apDrawMs, lastError }
 * - data-testid: neighborhood-count, served-count, clients-total, ap-count, ap-down-count,
 *   neighborhood-shape (SVG path, data-id, data-served), legend, metric-select,
 *   outage-count, outage-item (data-kind, data-id), event-item, live (the polite live
 *   region), panel (data-kind, data-id) with panel-title, panel-status (data-value),
 *   panel-figures (dd[data-field][data-value] raw numbers), panel-charts (figure.chart
 *   [data-metric][data-points]), tab-list, neighborhood-row / ap-row (data-id, data-status),
 *   ap-filter, public-note, updated, conn-state; the sign-in's are session.ts's.
 */
import { ApiError, createApiClient } from '../../api-client.ts'
import { createSessionBox, dropUrlToken } from '../../session.ts'
import { classify, fmtAgo, fmtInt, fmtSince, fmtPct, legendRows, METRIC_SPECS, NOT_SERVED_FILL, NO_DATA_FILL, type ChoroplethMetric } from '../../format.ts'
import { createCityMap, escapeHtml } from './map.ts'
import { createIncidentLists } from './incidents.ts'
import { createPanel } from './panel.ts'
import type { DeviceRow, EventRow, IncidentRow, LinkRow, NeighborhoodFeature, NeighborhoodStats, ReportClusterRow, TestHooks } from '../../types.ts'

declare global {
  interface Window {
    __civicnet: TestHooks
  }
}
const hooks: TestHooks = { ready: false, refreshes: 0, neighborhoods: 0, served: 0, markers: {}, links: {}, interactiveMs: null, lastRefreshMs: null, apDrawMs: null, lastError: null, incidents: { roots: [], byDevice: {}, tethers: {} }, residentReports: { clusters: 0, drawn: 0, unmatched: 0 } }
window.__civicnet = hooks

const params = new URLSearchParams(location.search)
/** What the note says once, about the URL the page was opened with. */
let urlNote: string | null = dropUrlToken()
/** ?refresh=<s> wins; else the collector's poll interval from /api/meta; else 10 s */
let refreshMs = Math.max(1, Number(params.get('refresh') ?? 10)) * 1000
const tilesOn = params.get('tiles') !== '0'

const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!
const api = createApiClient({ baseUrl: '' })
let sessionShown = false
const session = createSessionBox({
  root: $('[data-testid=session]'),
  nav: $('[data-testid=nav]'),
  pageId: 'map',
  // the first answer starts the page; a later change (signed in, out, ended) redraws it
  onChange() {
    if (sessionShown) urlNote = null
    sessionShown = true
    void refresh()
  },
})

const state = {
  neighborhoods: [] as NeighborhoodFeature[],
  byNeighborhood: new Map<string, NeighborhoodStats>(),
  devices: [] as DeviceRow[],
  byDevice: new Map<string, DeviceRow>(),
  links: [] as LinkRow[],
  events: [] as EventRow[],
  incidents: [] as IncidentRow[],
  reportClusters: [] as ReportClusterRow[],
  engineer: false,
  serverNowMs: null as number | null,
  metric: 'clientsNow' as ChoroplethMetric,
  downIds: null as Set<string> | null,
  firstDraw: true,
  haveGeometry: false,
}
const nowMs = () => state.serverNowMs ?? Date.now()
const nameOf = (nid: string) => state.byNeighborhood.get(nid)?.name ?? nid

let returnFocus: HTMLElement | null = null
const panel = createPanel($('#panel'), {
  api,
  nowMs,
  nameOf,
  onClose() {
    $('#sidebar').classList.remove('has-panel')
    cityMap.select(null)
    cityMap.selectDevice(null)
    ;(returnFocus && document.contains(returnFocus) ? returnFocus : $('#sidebar')).focus()
  },
})

const cityMap = createCityMap($('#map'), {
  tiles: tilesOn,
  onNeighborhood: (id) => openNeighborhood(id),
  onDevice: (id) => openDevice(id),
  onApDraw: (ms) => (hooks.apDrawMs = Math.round(ms * 10) / 10),
})

function rememberFocus() {
  const a = document.activeElement
  returnFocus = a instanceof HTMLElement && a !== document.body ? a : null
}
function showPanel() {
  $('#sidebar').classList.add('has-panel')
}
function openNeighborhood(id: string) {
  const row = state.byNeighborhood.get(id)
  if (!row) return
  rememberFocus()
  showPanel()
  cityMap.selectDevice(null)
  cityMap.select(id)
  panel.showNeighborhood(row)
}
function openDevice(id: string) {
  const row = state.byDevice.get(id)
  if (!row) return
  rememberFocus()
  showPanel()
  cityMap.select(null)
  cityMap.selectDevice(id)
  panel.showDevice(row)
}

function describeNeighborhood(n: NeighborhoodStats): string {
  const spec = METRIC_SPECS[state.metric]
  if (spec.wifi && !n.served) return 'not served'
  return `${spec.label.toLowerCase()} ${spec.format(n[state.metric])}`
}
function describeDevice(d: DeviceRow): string {
  const clients = d.clients === null ? '' : ` · ${fmtInt(d.clients)} clients`
  return `${d.name} (${d.status})${clients} · ${nameOf(d.neighborhood) || 'no neighborhood'}`
}
function describeLink(l: LinkRow): string {
  const rx = [l.rxDbmA, l.rxDbmB].map((v) => (v === null ? '–' : `${v.toFixed(1)} dBm`)).join(' / ')
  return `Fiber ${l.id} (${l.status}) · ${l.aDevice} ↔ ${l.bDevice} · rx ${rx}`
}

/**
 * Replaces a list's HTML only when it changed, and keeps keyboard focus on the same
 * button across the redraw, so a refresh every few seconds never throws a keyboard or
 * screen-reader user out of the list they are in.
 */
const lastHtml = new WeakMap<HTMLElement, string>()
function setHtml(el: HTMLElement, html: string) {
  if (lastHtml.get(el) === html) return
  const active = document.activeElement
  const key =
    active instanceof HTMLElement && el.contains(active)
      ? active.dataset.openNeighborhood
        ? `[data-open-neighborhood="${CSS.escape(active.dataset.openNeighborhood)}"]`
        : active.dataset.openDevice
          ? `[data-open-device="${CSS.escape(active.dataset.openDevice)}"]`
          : active.dataset.action && active.dataset.ref
            ? `[data-action="${CSS.escape(active.dataset.action)}"][data-ref="${CSS.escape(active.dataset.ref)}"]`
            : null
      : null
  el.innerHTML = html
  lastHtml.set(el, html)
  if (key) el.querySelector<HTMLElement>(key)?.focus()
}

const incidentLists = createIncidentLists(
  {
    incidents: $('[data-testid=incident-list]'),
    incidentCount: $('[data-testid=incident-count]'),
    reports: $('[data-testid=report-list]'),
    reportCount: $('[data-testid=report-count]'),
    dialog: $<HTMLDialogElement>('[data-testid=incident-dialog]'),
  },
  { api, cityMap, hooks, nowMs, nameOf, deviceName: (id) => state.byDevice.get(id)?.name ?? id, setHtml, onChange: () => refresh() },
)

function drawNeighborhoods() {
  const rows = state.neighborhoods.map((f) => f.properties)
  const classes = classify(METRIC_SPECS[state.metric], rows)
  cityMap.setNeighborhoods(state.neighborhoods, classes, describeNeighborhood)
  const legend = $('[data-testid=legend]')
  const spec = METRIC_SPECS[state.metric]
  const extra: [string, string][] = spec.wifi ? [[NOT_SERVED_FILL, 'Not served']] : [[NO_DATA_FILL, 'No data']]
  legend.innerHTML = `<p class="legend-title">${escapeHtml(spec.label)}</p><ul>${[...legendRows(classes), ...extra]
    .map(([c, t]) => `<li><span class="sw" style="background:${c}" aria-hidden="true"></span>${escapeHtml(t)}</li>`)
    .join('')}</ul>`
  const served = rows.filter((r) => r.served).length
  $('[data-testid=neighborhood-count]').textContent = String(rows.length)
  $('[data-testid=served-count]').textContent = String(served)
  const clients = rows.reduce((a, r) => a + (r.clientsNow ?? 0), 0)
  $('[data-testid=clients-total]').textContent = fmtInt(clients)
  hooks.neighborhoods = rows.length
  hooks.served = served
  drawNeighborhoodTable(rows)
}

function drawNeighborhoodTable(rows: NeighborhoodStats[]) {
  const body = $('[data-testid=neighborhood-table] tbody')
  const sorted = [...rows].sort((a, b) => Number(b.served) - Number(a.served) || a.name.localeCompare(b.name))
  setHtml(body, sorted
    .map(
      (n) => `<tr data-testid="neighborhood-row" data-id="${escapeHtml(n.id)}" data-served="${n.served}">
        <th scope="row"><button type="button" class="link" data-open-neighborhood="${escapeHtml(n.id)}">${escapeHtml(n.name)}</button></th>
        <td>${n.served ? 'Yes' : 'No'}</td><td class="n">${n.served ? fmtInt(n.clientsNow) : '–'}</td>
        <td class="n">${n.served ? fmtPct(n.availabilityPct) : '–'}</td><td class="n">${fmtInt(n.householdsWithoutBroadband)}</td></tr>`,
    )
    .join(''))
}

const AP_LIST_LIMIT = 200
function drawApTable() {
  if ($('#view-list').hidden || !state.engineer) return
  const q = $<HTMLInputElement>('#ap-filter').value.trim().toLowerCase()
  const aps = state.devices.filter((d) => d.kind === 'ap')
  const match = q
    ? aps.filter((d) => `${d.name} ${d.id} ${nameOf(d.neighborhood)} ${d.status}`.toLowerCase().includes(q))
    : aps
  // Down first: the list is where a keyboard user finds what needs attention.
  const order = { down: 0, unknown: 1, up: 2 }
  const shown = [...match].sort((a, b) => order[a.status] - order[b.status] || a.name.localeCompare(b.name)).slice(0, AP_LIST_LIMIT)
  $('[data-testid=ap-list-note]').textContent =
    match.length > shown.length ? `Showing ${shown.length} of ${match.length} access points; type to narrow the list.` : `${match.length} access points.`
  setHtml($('[data-testid=ap-table] tbody'), shown
    .map(
      (d) => `<tr data-testid="ap-row" data-id="${escapeHtml(d.id)}" data-status="${d.status}">
        <th scope="row"><button type="button" class="link" data-open-device="${escapeHtml(d.id)}">${escapeHtml(d.name)}</button></th>
        <td><span class="status status-${d.status}"><span class="shape" aria-hidden="true"></span>${d.status}</span></td>
        <td>${escapeHtml(nameOf(d.neighborhood))}</td><td class="n">${fmtInt(d.clients)}</td></tr>`,
    )
    .join(''))
}

const OUTAGE_LIST_LIMIT = 50
function drawOutages() {
  const down = state.devices.filter((d) => d.status === 'down').sort((a, b) => a.name.localeCompare(b.name))
  const linksDown = state.links.filter((l) => l.status === 'down')
  $('[data-testid=outage-count]').textContent = String(down.length + linksDown.length)
  const items = [
    ...linksDown.map((l) => `<li class="outage" data-testid="outage-item" data-kind="link" data-id="${escapeHtml(l.id)}"><span class="sym sym-down" aria-hidden="true"></span><span>Fiber <strong>${escapeHtml(l.id)}</strong> down</span></li>`),
    ...down.slice(0, OUTAGE_LIST_LIMIT).map(
      // Since when it is down when the collector saw it go down; else how old its last poll is.
      (d) => `<li class="outage" data-testid="outage-item" data-kind="device" data-id="${escapeHtml(d.id)}"${d.statusSinceMs === null ? '' : ` data-since="${d.statusSinceMs}"`}><span class="sym sym-down" aria-hidden="true"></span>
        <span><button type="button" class="link" data-open-device="${escapeHtml(d.id)}">${escapeHtml(d.name)}</button> ${escapeHtml(d.kind)} in ${escapeHtml(nameOf(d.neighborhood))}
        <span class="muted">· ${d.statusSinceMs === null ? `last poll ${fmtAgo(d.lastPollMs, nowMs())}` : `down ${fmtSince(d.statusSinceMs, nowMs())}`}</span></span></li>`,
    ),
  ]
  if (down.length > OUTAGE_LIST_LIMIT) items.push(`<li class="muted">and ${down.length - OUTAGE_LIST_LIMIT} more down: see the Lists tab.</li>`)
  setHtml($('[data-testid=outage-list]'), items.length ? items.join('') : '<li class="muted">No outages. Every device answers.</li>')
  const ev = state.events.slice(0, 15)
  setHtml($('[data-testid=event-list]'), ev.length
    ? ev
        .map(
          (e) => `<li class="ev ev-${e.severity}" data-testid="event-item"><time>${new Date(e.timeMs).toLocaleTimeString('en-US', { hour12: false })}</time>
          <span><strong>${escapeHtml(e.type)}</strong> ${escapeHtml(state.byDevice.get(e.device)?.name ?? e.device)}${e.detail ? ` · ${escapeHtml(e.detail)}` : ''}</span></li>`,
        )
        .join('')
    : '<li class="muted">No events in the last 24 h.</li>')
}

/** Tells screen-reader users what changed since the last refresh, once per change. */
function announce() {
  const downNow = new Set(state.devices.filter((d) => d.status === 'down').map((d) => d.id))
  const before = state.downIds
  state.downIds = downNow
  if (!before) return
  const msgs: string[] = []
  for (const id of downNow) if (!before.has(id)) msgs.push(`${state.byDevice.get(id)?.name ?? id} is down.`)
  for (const id of before) if (!downNow.has(id) && state.byDevice.has(id)) msgs.push(`${state.byDevice.get(id)?.name ?? id} is back up.`)
  if (msgs.length) {
    const text = msgs.length > 5 ? `${msgs.slice(0, 5).join(' ')} And ${msgs.length - 5} more changes.` : msgs.join(' ')
    $('[data-testid=live]').textContent = text
  }
}

function setEngineer(on: boolean) {
  state.engineer = on
  document.body.classList.toggle('engineer', on)
  const who = session.info()
  const note = $('[data-testid=public-note]')
  note.textContent = urlNote
    ? urlNote
    : who?.signedIn && !on
      ? `Your role (${who.user?.role ?? who.scope}) sees neighborhood figures only; access points, fiber links and outages are for engineers.`
      : 'Public view: neighborhood figures only. Engineers sign in to see access points, fiber links and outages.'
  note.classList.toggle('warn', urlNote !== null)
}

let timer: ReturnType<typeof setTimeout> | undefined
let running: Promise<void> | null = null
/** One refresh at a time; a call while one runs waits for it and runs again after. */
function refresh(): Promise<void> {
  clearTimeout(timer)
  running = (running ?? Promise.resolve()).then(load)
  return running
}

async function load() {
  const startedMs = performance.now()
  const conn = $('[data-testid=conn-state]')
  try {
    // Polygons come once; refreshes ask for the figures only.
    const geometry = !state.haveGeometry
    await session.ready
    // Signed in, the staff data is asked first: a session that ended (idle, the account
    // disabled) is then refused on a staff route, which says why, before a public request
    // would find it gone without a word.
    const staff = session.info()?.signedIn ? Promise.all([api.devices(), api.links().catch(() => [] as LinkRow[])]) : null
    if (staff) await staff.catch(() => {})
    const nb = await api.neighborhoods({ geometry })
    if (!geometry) {
      // Keep the polygons of the first answer; a neighborhood the map has never drawn
      // means the inventory changed: the next refresh asks for polygons again.
      const known = new Map(state.neighborhoods.map((f) => [f.properties.id, f.geometry]))
      for (const f of nb.features) f.geometry = known.get(f.properties.id) ?? f.geometry
      if (nb.features.some((f) => !f.geometry)) state.haveGeometry = false
    } else {
      state.haveGeometry = nb.features.every((f) => f.geometry)
    }
    state.neighborhoods = nb.features
    state.byNeighborhood = new Map(nb.features.map((f) => [f.properties.id, f.properties]))
    if (nb.nowMs !== null) state.serverNowMs = nb.nowMs
    let engineer = false
    let partialError: string | null = null
    try {
      // signed out: the public view, without asking
      if (!staff) throw new ApiError(401, '/api/devices', 'not signed in', 'CN_ERR_UNAUTHENTICATED')
      const [dl, links] = await staff
      const devices = dl.devices
      state.devices = devices
      state.byDevice = new Map(devices.map((d) => [d.id, d]))
      state.links = links
      engineer = true
      if (nb.nowMs === null && dl.nowMs !== null) state.serverNowMs = dl.nowMs
      const to = nowMs()
      ;[state.events, state.incidents, state.reportClusters] = await Promise.all([
        api.events(to - 24 * 3600_000, to + 60_000).catch(() => [] as EventRow[]),
        api.openIncidents().catch(() => [] as IncidentRow[]),
        api.residentReportClusters(to - 24 * 3600_000, to + 60_000).catch(() => [] as ReportClusterRow[]),
      ])
      state.events.sort((a, b) => b.timeMs - a.timeMs)
    } catch (err) {
      if (!(err instanceof ApiError && (err.status === 401 || err.status === 403))) {
        // Devices failed for another reason (5xx, timeout): keep the last known devices on
        // the map, draw the fresh neighborhoods, and say what failed.
        engineer = state.engineer
        partialError = String((err as Error)?.message ?? err)
      } else {
        state.devices = []
        state.byDevice = new Map()
        state.links = []
        state.events = []
        state.incidents = []
        state.reportClusters = []
      }
    }
    setEngineer(engineer)
    drawNeighborhoods()
    cityMap.setDevices(state.devices, describeDevice)
    cityMap.setLinks(state.links, describeLink)
    const markers: Record<string, DeviceRow['status']> = {}
    for (const [id, m] of cityMap.markers) markers[id] = m.status
    hooks.markers = markers
    hooks.links = Object.fromEntries(state.links.filter((l) => l.coordinates.length >= 2).map((l) => [l.id, l.status]))
    const aps = state.devices.filter((d) => d.kind === 'ap')
    $('[data-testid=ap-count]').textContent = fmtInt(aps.length)
    $('[data-testid=ap-down-count]').textContent = fmtInt(aps.filter((d) => d.status === 'down').length)
    drawOutages()
    incidentLists.draw({ incidents: state.incidents, clusters: state.reportClusters })
    drawApTable()
    announce()
    panel.refresh(state.byNeighborhood, state.byDevice)
    if (state.firstDraw) {
      state.firstDraw = false
      cityMap.fitNeighborhoods()
    }
    $('[data-testid=updated]').textContent = new Date(nowMs()).toLocaleString('en-US', { hour12: false })
    $('[data-testid=updated]').setAttribute('datetime', new Date(nowMs()).toISOString())
    if (partialError) {
      hooks.lastError = partialError
      conn.textContent = `Devices not refreshed: ${partialError}`
      conn.className = 'conn bad'
    } else {
      conn.textContent = 'Live'
      conn.className = 'conn ok'
      hooks.lastError = null
    }
  } catch (err) {
    hooks.lastError = String((err as Error)?.message ?? err)
    conn.textContent = `Cannot reach the server: ${hooks.lastError}`
    conn.className = 'conn bad'
  } finally {
    hooks.lastRefreshMs = Math.round(performance.now() - startedMs)
    hooks.refreshes++
    if (!hooks.ready) {
      // Interactive once the first answer is drawn and painted: Leaflet's canvas draws in
      // the next animation frame, so the frame after that has it on screen.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          hooks.interactiveMs = Math.round(performance.now())
          hooks.ready = true
          document.body.dataset.ready = 'true'
        }),
      )
    }
    clearTimeout(timer)
    // A hidden tab does not poll; it refreshes at once when it is shown again.
    timer = setTimeout(() => void (document.hidden ? null : refresh()), refreshMs)
  }
}

// Controls.
$<HTMLSelectElement>('#metric').addEventListener('change', (e) => {
  state.metric = (e.target as HTMLSelectElement).value as ChoroplethMetric
  drawNeighborhoods()
})
for (const box of document.querySelectorAll<HTMLInputElement>('[data-layer]')) {
  box.addEventListener('change', () => cityMap.setLayerVisible(box.dataset.layer as 'neighborhoods' | 'links' | 'aps', box.checked))
}
document.addEventListener('click', (e) => {
  const t = (e.target as HTMLElement).closest<HTMLElement>('[data-open-neighborhood],[data-open-device]')
  if (!t) return
  if (t.dataset.openNeighborhood) {
    openNeighborhood(t.dataset.openNeighborhood)
    cityMap.focusNeighborhood(t.dataset.openNeighborhood)
  } else if (t.dataset.openDevice) {
    openDevice(t.dataset.openDevice)
    cityMap.focusDevice(t.dataset.openDevice)
  }
  returnFocus = t
})
$<HTMLInputElement>('#ap-filter').addEventListener('input', () => drawApTable())

const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role=tab]')]
function selectTab(tab: HTMLButtonElement) {
  for (const t of tabs) {
    const on = t === tab
    t.setAttribute('aria-selected', String(on))
    t.tabIndex = on ? 0 : -1
    document.getElementById(t.getAttribute('aria-controls')!)!.hidden = !on
  }
  tab.focus()
  drawApTable()
}
for (const tab of tabs) {
  tab.addEventListener('click', () => selectTab(tab))
  tab.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(tab)
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault()
      selectTab(tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!)
    }
  })
}

const refreshNote = () => ($('[data-testid=refresh-note]').textContent = `Auto-refresh every ${refreshMs / 1000} s`)
refreshNote()
void api.meta().then((m) => {
  if (!params.has('refresh') && m?.pollIntervalMs && m.pollIntervalMs >= 1000) {
    refreshMs = m.pollIntervalMs
    refreshNote()
  }
  // Say plainly where the coarser history ends, so nobody reads hourly points as minutes.
  if (m?.history && m.pollIntervalMs) {
    const note = $('[data-testid=data-note]')
    const when = new Date(m.history.liveSinceMs).toLocaleString('en-US', { hour12: false })
    note.textContent = `Data polled every ${fmtInterval(m.history.stepMs)} until ${when}, every ${fmtInterval(m.pollIntervalMs)} since`
    note.hidden = false
  }
})
function fmtInterval(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`
}
if (!tilesOn) {
  const note = $('[data-testid=map-note]')
  note.hidden = false
  note.textContent = 'Base map tiles are off.'
}
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void refresh()
})

