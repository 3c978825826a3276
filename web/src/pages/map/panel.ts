/**
 * The side panel: current figures of one neighborhood or AP, and uPlot charts over the
 * chosen range (24 h / 7 d / 30 d). Every figure carries its raw value in data-value so a
 * test compares numbers, not formatted text.
 */
import uPlot from 'uplot'
import type { ApiClient } from '../../api-client.ts'
import { escapeHtml } from './map.ts'
import { fmtAgo, fmtBytes, fmtInt, fmtPct, fmtSince, fmtTime } from '../../format.ts'
import type { DeviceRow, NeighborhoodStats, SeriesData } from '../../types.ts'

export const RANGES = {
  '24h': { label: '24 h', ms: 24 * 3600_000, stepMs: 15 * 60_000, stepLabel: '15 min' },
  '7d': { label: '7 d', ms: 7 * 24 * 3600_000, stepMs: 3600_000, stepLabel: 'hour' },
  '30d': { label: '30 d', ms: 30 * 24 * 3600_000, stepMs: 6 * 3600_000, stepLabel: '6 h' },
} as const
export type RangeKey = keyof typeof RANGES

interface ChartSpec {
  metric: string
  title: string
  unit: string
  color: string
  fn?: string
  format: (v: number | null) => string
  /** turns the API value into the plotted one (e.g. device_up 0..1 into percent) */
  scale?: number
}

const fmtOne = (v: number | null) => (v === null ? '–' : v.toFixed(1))
const NEIGHBORHOOD_CHARTS: ChartSpec[] = [
  { metric: 'wifi_clients', title: 'Clients (average concurrent)', unit: 'clients', color: '#1d4ed8', fn: 'mean', format: fmtInt },
  { metric: 'wifi_bytes', title: 'Data used per {step}', unit: 'bytes', color: '#6d28d9', fn: 'sum', format: fmtBytes },
  // The store sums device_up over the APs at each poll, so the mean is the APs up on average.
  { metric: 'device_up', title: 'APs up (average)', unit: 'APs', color: '#15803d', fn: 'mean', format: fmtOne },
]
const DEVICE_CHARTS: ChartSpec[] = [
  { metric: 'wifi_clients', title: 'Clients', unit: 'clients', color: '#1d4ed8', fn: 'mean', format: fmtInt },
  { metric: 'wifi_bytes', title: 'Data used per {step}', unit: 'bytes', color: '#6d28d9', fn: 'sum', format: fmtBytes },
  // One device: the mean of its 0/1 samples is the share of polls it answered.
  { metric: 'device_up', title: 'Availability', unit: '%', color: '#15803d', fn: 'mean', format: (v) => fmtPct(v), scale: 100 },
]

type Field = [key: string, label: string, value: number | null, text: string]

function neighborhoodFields(n: NeighborhoodStats): Field[] {
  const wifi: Field[] = n.served
    ? [
        ['clientsNow', 'Clients now', n.clientsNow, fmtInt(n.clientsNow)],
        ['peakClients', 'Peak clients (period)', n.peakClients, fmtInt(n.peakClients)],
        ['bytes', 'Data used (period)', n.bytes, fmtBytes(n.bytes)],
        ['availabilityPct', 'Availability (period)', n.availabilityPct, fmtPct(n.availabilityPct, 2)],
        ['apsUp', 'APs up', n.apsUp, fmtInt(n.apsUp)],
        ['apsDown', 'APs down', n.apsDown, fmtInt(n.apsDown)],
      ]
    : []
  return [
    ...wifi,
    ['population', 'Population', n.population, fmtInt(n.population)],
    ['households', 'Households', n.households, fmtInt(n.households)],
    ['householdsWithoutBroadband', 'Households without broadband', n.householdsWithoutBroadband, fmtInt(n.householdsWithoutBroadband)],
    ['pctWithoutBroadband', 'Share without broadband', n.pctWithoutBroadband, fmtPct(n.pctWithoutBroadband)],
    ['povertyRatePct', 'Poverty rate', n.povertyRatePct, fmtPct(n.povertyRatePct)],
  ]
}

function fieldsHtml(fields: Field[]): string {
  return `<dl class="figures">${fields
    .map(([k, label, v, text]) => `<div><dt>${label}</dt><dd data-field="${k}" data-value="${v ?? ''}">${escapeHtml(text)}</dd></div>`)
    .join('')}</dl>`
}

export interface PanelDeps {
  api: ApiClient
  nowMs(): number
  /** neighborhood id -> its name */
  nameOf(id: string): string
  onClose(): void
}

export function createPanel(root: HTMLElement, deps: PanelDeps) {
  let current: { kind: 'neighborhood'; row: NeighborhoodStats } | { kind: 'device'; row: DeviceRow } | null = null
  let range: RangeKey = '24h'
  let plots: uPlot[] = []
  let chartToken = 0

  root.innerHTML = `
    <div class="panel-head">
      <h2 id="panel-title" data-testid="panel-title" tabindex="-1"></h2>
      <button type="button" class="close" data-testid="panel-close" aria-label="Close details">×</button>
    </div>
    <p class="panel-sub" data-testid="panel-sub"></p>
    <div data-testid="panel-figures"></div>
    <div class="range" role="group" aria-label="Time range of the charts">
      ${Object.entries(RANGES)
        .map(([k, r]) => `<button type="button" data-range="${k}" aria-pressed="${k === range}">${r.label}</button>`)
        .join('')}
    </div>
    <div class="charts" data-testid="panel-charts"></div>`
  const title = root.querySelector<HTMLElement>('#panel-title')!
  const sub = root.querySelector<HTMLElement>('[data-testid=panel-sub]')!
  const figures = root.querySelector<HTMLElement>('[data-testid=panel-figures]')!
  const charts = root.querySelector<HTMLElement>('[data-testid=panel-charts]')!
  root.querySelector('.close')!.addEventListener('click', () => close())
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close()
  })
  for (const b of root.querySelectorAll<HTMLButtonElement>('[data-range]')) {
    b.addEventListener('click', () => {
      range = b.dataset.range as RangeKey
      for (const o of root.querySelectorAll<HTMLButtonElement>('[data-range]')) o.setAttribute('aria-pressed', String(o === b))
      void drawCharts()
    })
  }

  function close() {
    if (!current) return
    current = null
    root.hidden = true
    destroyPlots()
    deps.onClose()
  }

  function destroyPlots() {
    for (const p of plots) p.destroy()
    plots = []
  }

  function renderFigures() {
    if (!current) return
    if (current.kind === 'neighborhood') {
      const n = current.row
      root.dataset.kind = 'neighborhood'
      root.dataset.id = n.id
      title.textContent = n.name
      sub.textContent = n.served ? 'Neighborhood served by the city’s free Wi-Fi' : 'Neighborhood not served yet'
      figures.innerHTML = fieldsHtml(neighborhoodFields(n))
    } else {
      const d = current.row
      root.dataset.kind = 'device'
      root.dataset.id = d.id
      title.textContent = d.name
      sub.innerHTML = `${escapeHtml(d.kind.toUpperCase())} <code>${escapeHtml(d.id)}</code> · <span class="status status-${d.status}" data-testid="panel-status" data-value="${d.status}"${d.statusSinceMs === null ? '' : ` data-since="${d.statusSinceMs}"`}><span class="shape" aria-hidden="true"></span>${d.status}${d.statusSinceMs === null || d.status === 'unknown' ? '' : ` ${escapeHtml(fmtSince(d.statusSinceMs, deps.nowMs()))}`}</span>`
      figures.innerHTML = fieldsHtml([
        ['clients', 'Clients now', d.clients, fmtInt(d.clients)],
        ['neighborhood', 'Neighborhood', null, d.neighborhood ? deps.nameOf(d.neighborhood) : '–'],
        ['lastPollMs', 'Last poll', d.lastPollMs, d.lastPollMs === null ? 'never' : `${fmtTime(d.lastPollMs)} (${fmtAgo(d.lastPollMs, deps.nowMs())})`],
        ['location', 'Location', null, `${d.lat.toFixed(5)}, ${d.lon.toFixed(5)}`],
      ])
    }
  }

  async function drawCharts() {
    if (!current) return
    const my = ++chartToken
    const specs = current.kind === 'neighborhood' ? NEIGHBORHOOD_CHARTS : DEVICE_CHARTS
    const groupBy = current.kind
    const id = current.row.id
    const r = RANGES[range]
    const toMs = Math.ceil(deps.nowMs() / r.stepMs) * r.stepMs
    const fromMs = toMs - r.ms
    charts.setAttribute('aria-busy', 'true')
    const results = await Promise.all(
      specs.map((s) =>
        deps.api.series({ metric: s.metric, groupBy, id, fromMs, toMs, stepMs: r.stepMs, fn: s.fn }).then(
          (d) => ({ ok: true as const, d }),
          (err: unknown) => ({ ok: false as const, err: String((err as Error)?.message ?? err) }),
        ),
      ),
    )
    if (my !== chartToken || !current) return
    destroyPlots()
    charts.innerHTML = ''
    const width = Math.max(240, charts.clientWidth || 320)
    specs.forEach((s, i) => {
      const res = results[i]!
      const fig = document.createElement('figure')
      fig.className = 'chart'
      fig.dataset.metric = s.metric
      const cap = document.createElement('figcaption')
      const title = s.title.replace('{step}', r.stepLabel)
      cap.textContent = `${title}, last ${r.label}`
      fig.append(cap)
      charts.append(fig)
      if (!res.ok) {
        fig.insertAdjacentHTML('beforeend', `<p class="muted">Could not load: ${escapeHtml(res.err)}</p>`)
        return
      }
      const d: SeriesData = s.scale ? { times: res.d.times, values: res.d.values.map((v) => (v === null ? null : v * s.scale!)) } : res.d
      fig.dataset.points = String(d.times.length)
      const vals = d.values.filter((v): v is number => v !== null)
      const summary = vals.length
        ? `${vals.length} points; latest ${s.format(vals[vals.length - 1]!)}, highest ${s.format(Math.max(...vals))}, lowest ${s.format(Math.min(...vals))}.`
        : 'No data in this range.'
      const desc = document.createElement('p')
      desc.className = 'sr-only'
      desc.textContent = summary
      fig.append(desc)
      if (!vals.length) {
        fig.insertAdjacentHTML('beforeend', '<p class="muted">No data in this range.</p>')
        return
      }
      const holder = document.createElement('div')
      holder.setAttribute('role', 'img')
      holder.setAttribute('aria-label', `${title}: ${summary}`)
      fig.append(holder)
      const plot = new uPlot(
        {
          width,
          height: 150,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          // The whole range is drawn, so missing data shows as a gap, not as a shorter chart.
          scales: { x: { time: true, range: [fromMs / 1000, toMs / 1000] } },
          axes: [
            { stroke: '#374151', grid: { stroke: '#e5e7eb' }, ticks: { stroke: '#d1d5db' }, font: '11px system-ui, sans-serif' },
            { stroke: '#374151', grid: { stroke: '#e5e7eb' }, ticks: { stroke: '#d1d5db' }, size: 56, font: '11px system-ui, sans-serif', values: (_u, ticks) => ticks.map((t) => s.format(t)) },
          ],
          series: [{}, { label: title, stroke: s.color, width: 2, fill: `${s.color}22`, points: { show: false } }],
        },
        [d.times, d.values],
        holder,
      )
      plots.push(plot)
    })
    charts.removeAttribute('aria-busy')
  }

  /** The device list carries no client count: the detail's newest wifi_clients has it. */
  async function fillDeviceClients(id: string) {
    try {
      const metrics = await deps.api.deviceMetrics(id)
      const c = metrics.get('wifi_clients')
      if (c === undefined || !current || current.kind !== 'device' || current.row.id !== id) return
      current = { kind: 'device', row: { ...current.row, clients: c } }
      renderFigures()
    } catch {
      // the figure stays '–'; the charts still show the history
    }
  }

  function open(next: NonNullable<typeof current>) {
    const same = current && current.kind === next.kind && current.row.id === next.row.id
    current = next
    root.hidden = false
    renderFigures()
    title.focus()
    if (!same) {
      // Another item's charts must not linger while this one's load.
      destroyPlots()
      charts.innerHTML = '<p class="muted">Loading charts…</p>'
    }
    if (!same || plots.length === 0) void drawCharts()
  }

  return {
    showNeighborhood(row: NeighborhoodStats) {
      open({ kind: 'neighborhood', row })
    },
    showDevice(row: DeviceRow) {
      open({ kind: 'device', row })
      if (row.clients === null) void fillDeviceClients(row.id)
    },
    /** After a refresh: new figures for the open item (charts keep their range). */
    refresh(neighborhoods: Map<string, NeighborhoodStats>, devices: Map<string, DeviceRow>) {
      if (!current) return
      if (current.kind === 'neighborhood') {
        const n = neighborhoods.get(current.row.id)
        if (n) current = { kind: 'neighborhood', row: n }
      } else {
        const d = devices.get(current.row.id)
        if (d) current = { kind: 'device', row: { ...d, clients: d.clients ?? current.row.clients } }
      }
      renderFigures()
    },
    close,
    isOpen: () => current !== null,
    current: () => current,
  }
}

export type Panel = ReturnType<typeof createPanel>
