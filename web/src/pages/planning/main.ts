/**
 * The planning page: the neighborhoods ranked for expansion (GET /api/planning), with a map
 * of need (a choropleth of the need factor), coverage (AP discs clipped to each
 * neighborhood, GET /api/planning/coverage) and the top candidates (the three best-ranked
 * neighborhoods not served yet, outlined); sliders for the four weights redraw the ranking
 * at once (the server re-ranks its cached assessment: the numbers are planning/'s, none is
 * computed here); downloads CSV, GeoJSON and the PDF printed by the server as for the grant
 * report. Signed in by the header's form (session.ts); a role that may not use the page is
 * told so instead of a ranking.
 *
 * Test hooks (stable): window.__civicnetPlan = { ready, loads, plan (the JSON shown),
 * lastError, downloads, coverageParts, tracts }; data-testid: plan-list (li[data-id][data-rank]),
 * plan-status, plan-total, plan-map, w-<factor>-value, plan-download-{csv,geojson,pdf}.
 */
import L from 'leaflet'
import { ApiError, createReportClient } from '../../api-client.ts'
import { escapeHtml } from '../../format.ts'
import { createSessionBox, dropUrlToken, pageRefusal, saveBlob } from '../../session.ts'
import type { PlanDoc } from '../../types.ts'

interface PlanHooks {
  ready: boolean
  loads: number
  plan: PlanDoc | null
  lastError: string | null
  downloads: { format: string; fileName: string; bytes: number }[]
  coverageParts: number
  /** census tracts drawn on the tracts layer */
  tracts: number
}
declare global {
  interface Window {
    __civicnetPlan: PlanHooks
  }
}
const hooks: PlanHooks = { ready: false, loads: 0, plan: null, lastError: null, downloads: [], coverageParts: 0, tracts: 0 }
window.__civicnetPlan = hooks

const urlNote = dropUrlToken()
const params = new URLSearchParams(location.search)
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!
const client = createReportClient({ baseUrl: '' })
const WHO = 'a planner, analyst or admin account'
const status = (text: string) => ($('[data-testid=plan-status]').textContent = text)
const FACTORS = ['need', 'gap', 'use', 'cost'] as const
const sliders = FACTORS.map((f) => $<HTMLInputElement>(`#w-${f}`))

/** the weights as the sliders say, for the API ('need:40,gap:30,...': it normalises) */
const weightsQuery = () => `weights=${FACTORS.map((f, i) => `${f}:${sliders[i]!.value}`).join(',')}`
const money = (x: number) => `$${x >= 1e6 ? `${(x / 1e6).toFixed(1)}M` : Math.round(x).toLocaleString('en-US')}`

const map = L.map($('#plan-map'), { zoomControl: true, attributionControl: true }).setView([41.765, -72.685], 12)
if (params.get('tiles') !== '0') {
  L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, crossOrigin: true, errorTileUrl: 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors' }).addTo(map)
}
const layers = { need: L.layerGroup().addTo(map), coverage: L.layerGroup().addTo(map), candidates: L.layerGroup().addTo(map), tracts: L.layerGroup() }
for (const box of document.querySelectorAll<HTMLInputElement>('[data-layer]')) {
  box.addEventListener('change', () => {
    const l = layers[box.dataset.layer as keyof typeof layers]
    if (box.checked) l.addTo(map)
    else l.remove()
  })
}
let shapes: { id: string; name: string; served: boolean; geometry: GeoJSON.Geometry }[] = []
// need: light to dark purple (ColorBrewer Purples, 5 classes)
const NEED_COLORS = ['#f2f0f7', '#cbc9e2', '#9e9ac8', '#756bb1', '#54278f']

function drawMap(plan: PlanDoc) {
  const row = new Map(plan.ranking.map((r) => [r.id, r]))
  layers.need.clearLayers()
  layers.candidates.clearLayers()
  const top = plan.ranking.filter((r) => !r.served).slice(0, 3).map((r) => r.id)
  for (const s of shapes) {
    const r = row.get(s.id)
    if (!r) continue
    const color = NEED_COLORS[Math.min(4, Math.floor(r.factors.need * 5))]!
    const feature: GeoJSON.Feature = { type: 'Feature', properties: {}, geometry: s.geometry }
    L.geoJSON(feature, { style: { color: '#4b5563', weight: 1, fillColor: color, fillOpacity: 0.55 } })
      .bindTooltip(`${escapeHtml(s.name)}: rank ${r.rank}, need ${r.factors.need.toFixed(2)}`)
      .addTo(layers.need)
    if (top.includes(s.id)) L.geoJSON(feature, { style: { color: '#b45309', weight: 4, fill: false, dashArray: '6 4' }, interactive: false }).addTo(layers.candidates)
  }
}

function drawList(plan: PlanDoc) {
  $('[data-testid=plan-list]').innerHTML = plan.ranking
    .map((r) => `<li data-id="${escapeHtml(r.id)}" data-rank="${r.rank}" data-score="${r.score}">
      <div class="head"><span class="rank">${r.rank}</span><span class="name">${escapeHtml(r.name)}</span>${r.served ? '<span class="muted">served</span>' : ''}<span class="muted">score ${r.score.toFixed(3)}</span></div>
      <p class="reasons">${escapeHtml(r.reasons.join('; '))}</p>
      <p class="muted">${Math.round(r.figures.coveredPopulationShare * 100)} % of residents reached now · ${r.apsNeeded} APs and ${r.fiberKm} km of fiber (${escapeHtml(r.fiberBasis)}) to cover the rest · ${money(r.costEstimate)}</p>${r.tracts?.length
        ? `<details data-testid="plan-tracts"><summary>Its ${r.tracts.length} census tracts, ranked</summary><ol>${r.tracts.map((t) => `<li data-id="${escapeHtml(t.id)}" data-rank="${t.rank}">${escapeHtml(t.name)}: score ${t.score.toFixed(3)}; ${escapeHtml(t.reasons.join('; '))}</li>`).join('')}</ol></details>`
        : ''}</li>`)
    .join('')
  $('[data-testid=plan-total]').textContent = `To reach every neighborhood not served yet: ${money(plan.costTotal)}${plan.cityEstimate ? ` (${plan.cityEstimate.label}: ${money(plan.cityEstimate.usd)})` : ''}.`
  $('[data-testid=plan-method] ul').replaceChildren(...plan.method.map((m) => Object.assign(document.createElement('li'), { textContent: m })))
}

/** Says why the page shows nothing when the signed-in role may not use it; true when it may. */
function mayUse(): boolean {
  const no = pageRefusal(session, 'planning', WHO)
  if (no) {
    hooks.lastError = no
    status(no)
  }
  return no === null
}

let asked = 0
async function load(): Promise<void> {
  if (!mayUse()) return
  const mine = ++asked
  try {
    const plan = await client.plan(weightsQuery())
    if (mine !== asked) return // a later slider move has asked again
    hooks.plan = plan
    drawList(plan)
    drawMap(plan)
    hooks.loads++
    hooks.lastError = null
    status(`Ranked with need ${plan.weights.need}, gap ${plan.weights.gap}, use ${plan.weights.use}, cost ${plan.weights.cost}.`)
  } catch (err) {
    hooks.lastError = (err as Error).message
    const who = err instanceof ApiError && (err.status === 401 || err.status === 403)
      ? `${(err as Error).message}. Planning needs ${WHO}: sign in above.`
      : (err as Error).message
    status(`The plan could not be made: ${who}`)
  }
}

let timer: ReturnType<typeof setTimeout> | undefined
for (const [i, s] of sliders.entries()) {
  s.addEventListener('input', () => {
    $(`[data-testid=w-${FACTORS[i]}-value]`).textContent = s.value
    clearTimeout(timer)
    timer = setTimeout(() => void load(), 60)
  })
}

async function download(format: 'csv' | 'geojson' | 'pdf'): Promise<void> {
  status(`Preparing the ${format.toUpperCase()}…`)
  try {
    const { blob, fileName } = await client.planFile(weightsQuery(), format)
    saveBlob(blob, fileName)
    hooks.downloads.push({ format, fileName, bytes: blob.size })
    status(`Downloaded ${fileName}.`)
  } catch (err) {
    hooks.lastError = (err as Error).message
    status(`The ${format.toUpperCase()} could not be made: ${(err as Error).message}`)
  }
}
for (const f of ['csv', 'geojson', 'pdf'] as const) $(`[data-testid=plan-download-${f}]`).addEventListener('click', () => void download(f))

let started = false
const session = createSessionBox({
  root: $('[data-testid=session]'),
  nav: $('[data-testid=nav]'),
  pageId: 'planning',
  onChange() {
    if (started) void load().then(() => (hooks.plan && !hooks.coverageParts ? drawCoverage() : undefined))
  },
})

async function drawCoverage(): Promise<void> {
  if (!hooks.plan) return
  try {
    const cov = await client.planCoverage(hooks.plan.config.radiusM)
    layers.coverage.clearLayers()
    L.geoJSON(cov, { style: { color: '#047857', weight: 0.5, fillColor: '#10b981', fillOpacity: 0.45 }, interactive: false }).addTo(layers.coverage)
    hooks.coverageParts = cov.features.length
  } catch (err) {
    hooks.lastError = (err as Error).message
  }
}

async function start(): Promise<void> {
  await session.ready
  started = true
  if (urlNote) status(urlNote)
  try {
    shapes = await client.neighborhoodShapes()
    const all = L.geoJSON({ type: 'FeatureCollection', features: shapes.map((s) => ({ type: 'Feature', properties: {}, geometry: s.geometry })) } as GeoJSON.FeatureCollection)
    map.fitBounds(all.getBounds(), { padding: [6, 6] })
  } catch (err) {
    hooks.lastError = (err as Error).message
  }
  await load()
  await drawCoverage()
  // the census tracts, by the share of their residents within reach (green: reached)
  try {
    const tracts = await client.tractsGeoJson()
    L.geoJSON(tracts, {
      style: (f) => {
        const share = Number(f?.properties?.covered_population_share ?? 0)
        return { color: '#1f2937', weight: 1, fillColor: share >= 0.5 ? '#15803d' : share >= 0.1 ? '#86efac' : '#fef3c7', fillOpacity: 0.5 }
      },
    }).eachLayer((l) => {
      const p = (l as L.GeoJSON & { feature?: GeoJSON.Feature }).feature?.properties ?? {}
      l.bindTooltip(`${escapeHtml(String(p.name ?? ''))}: ${Math.round(Number(p.covered_population_share ?? 0) * 100)} % of residents reached`)
      layers.tracts.addLayer(l)
    })
    hooks.tracts = tracts.features.length
  } catch (err) {
    hooks.lastError = (err as Error).message
  }
  hooks.ready = true
}
void start()
