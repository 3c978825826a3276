/**
 * The Leaflet map: neighborhood choropleth (SVG, so each polygon can take keyboard focus),
 * fiber links (SVG), AP markers (one canvas, so thousands stay smooth) and optional
 * OpenStreetMap tiles. Works with no tile server: the container's plain light background
 * shows through, and tile errors are swallowed.
 */
import { escapeHtml } from '../../format.ts'
import L from 'leaflet'
import type { Classes } from '../../format.ts'
import { fillFor, STATUS_COLORS, STATUS_SHAPES } from '../../format.ts'
import type { DeviceRow, DeviceStatus, LinkRow, NeighborhoodFeature, NeighborhoodStats, ReportClusterRow } from '../../types.ts'

/** A 1x1 transparent GIF: what a failed tile shows instead of a broken-image icon. */
const BLANK_TILE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'

/** Adds one marker's outline to the current path: circle, triangle, diamond or square. */
function shapePath(ctx: CanvasRenderingContext2D, shape: string, x: number, y: number, s: number) {
  if (shape === 'triangle') {
    ctx.moveTo(x, y - s * 1.3)
    ctx.lineTo(x + s * 1.2, y + s * 0.9)
    ctx.lineTo(x - s * 1.2, y + s * 0.9)
    ctx.closePath()
  } else if (shape === 'diamond') {
    ctx.moveTo(x, y - s * 1.2)
    ctx.lineTo(x + s * 1.2, y)
    ctx.lineTo(x, y + s * 1.2)
    ctx.lineTo(x - s * 1.2, y)
    ctx.closePath()
  } else if (shape === 'square') {
    ctx.rect(x - s * 0.85, y - s * 0.85, s * 1.7, s * 1.7)
  } else {
    ctx.moveTo(x + s, y)
    ctx.arc(x, y, s, 0, Math.PI * 2)
  }
}

/**
 * A canvas marker whose shape carries the status too (circle up, triangle down, square
 * unknown), so colour is not the only cue. Leaflet's canvas renderer draws circles only;
 * this overrides the one private hook it calls to draw a path.
 */
const ShapeMarker: new (latlng: L.LatLngExpression, options: L.CircleMarkerOptions & { shape: string }) => L.CircleMarker = (L.CircleMarker as any).extend({
  _updatePath(this: any) {
    const r = this._renderer
    if (!r._drawing || this._empty()) return
    const ctx: CanvasRenderingContext2D = r._ctx
    ctx.beginPath()
    shapePath(ctx, this.options.shape, this._point.x, this._point.y, Math.max(Math.round(this._radius), 1))
    r._fillStroke(ctx, this)
  },
})

/** Drawing order of the buckets: healthy first, so faults are drawn on top. */
const SHAPE_RANK: Record<string, number> = { circle: 0, square: 1, diamond: 2, triangle: 3 }

/**
 * Leaflet's canvas renderer, drawing shape markers in batches: one path, one fill and one
 * stroke per (shape, colour, size) instead of per marker. With 10,000 APs a redraw after a
 * zoom or pan then costs a handful of canvas calls plus the path building. Other layers on
 * this renderer (the selection ring) are drawn after, one by one, as Leaflet does.
 */
const BatchCanvas: new (options?: L.RendererOptions & { tolerance?: number; onDraw?: (ms: number) => void }) => L.Canvas = (L.Canvas as any).extend({
  _draw(this: any) {
    const startedMs = performance.now()
    const bounds = this._redrawBounds
    const ctx: CanvasRenderingContext2D = this._ctx
    ctx.save()
    if (bounds) {
      const size = bounds.getSize()
      ctx.beginPath()
      ctx.rect(bounds.min.x, bounds.min.y, size.x, size.y)
      ctx.clip()
    }
    this._drawing = true
    const buckets = new Map<string, any[]>()
    const single: any[] = []
    for (let order = this._drawFirst; order; order = order.next) {
      const layer = order.layer
      if (bounds && !(layer._pxBounds && layer._pxBounds.intersects(bounds))) continue
      const shape = layer.options.shape
      if (!shape) {
        single.push(layer)
        continue
      }
      if (layer._empty()) continue
      const key = `${SHAPE_RANK[shape] ?? 9}|${shape}|${layer.options.fillColor}|${Math.max(Math.round(layer._radius), 1)}`
      let b = buckets.get(key)
      if (!b) buckets.set(key, (b = []))
      b.push(layer)
    }
    for (const key of [...buckets.keys()].sort()) {
      const layers = buckets.get(key)!
      const o = layers[0].options
      const shape = o.shape as string
      const radius = Math.max(Math.round(layers[0]._radius), 1)
      ctx.beginPath()
      for (const l of layers) shapePath(ctx, shape, l._point.x, l._point.y, radius)
      // Outline first, twice as wide, then the fill over it: each marker keeps its outer
      // outline and no marker's outline is painted across its neighbours' fill.
      if (o.stroke !== false && o.weight) {
        ctx.globalAlpha = o.opacity ?? 1
        ctx.lineWidth = o.weight * 2
        ctx.strokeStyle = o.color
        ctx.lineJoin = 'round'
        ctx.setLineDash([])
        ctx.stroke()
      }
      ctx.globalAlpha = o.fillOpacity ?? 1
      ctx.fillStyle = o.fillColor
      ctx.fill('nonzero')
    }
    for (const l of single) l._updatePath()
    this._drawing = false
    ctx.restore()
    this.options.onDraw?.(performance.now() - startedMs)
  },
})

function markerStyle(status: DeviceStatus): L.CircleMarkerOptions & { shape: string } {
  return {
    shape: STATUS_SHAPES[status],
    radius: status === 'down' ? 7 : 5,
    color: '#ffffff',
    weight: 1.5,
    fillColor: STATUS_COLORS[status],
    fillOpacity: 1,
  }
}

export interface CityMapOptions {
  tiles: boolean
  onNeighborhood(id: string): void
  onDevice(id: string): void
  /** after each redraw of the AP canvas: the ms its JavaScript took (for benchmarks) */
  onApDraw?(ms: number): void
}

export function createCityMap(el: HTMLElement, opts: CityMapOptions) {
  const map = L.map(el, { preferCanvas: true, zoomControl: true, attributionControl: true, minZoom: 10, maxZoom: 19 })
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>')
  map.setView([41.765, -72.685], 13)

  map.createPane('neighborhoods').style.zIndex = '410'
  map.createPane('links').style.zIndex = '420'
  map.createPane('aps').style.zIndex = '430'
  const areaRenderer = L.svg({ pane: 'neighborhoods', padding: 0.2 })
  const linkRenderer = L.svg({ pane: 'links', padding: 0.2 })
  const apRenderer = new BatchCanvas({ pane: 'aps', padding: 0.2, tolerance: 4, onDraw: opts.onApDraw })

  let tileErrors = 0
  if (opts.tiles) {
    const tiles = L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
      maxZoom: 19,
      errorTileUrl: BLANK_TILE,
      crossOrigin: true,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    })
    // An offline map still works: a failed tile is blank, the background shows through.
    tiles.on('tileerror', () => {
      tileErrors++
    })
    tiles.addTo(map)
  }

  const areas = new Map<string, L.Polygon>()
  const areaLayer = L.layerGroup().addTo(map)
  // Names at each neighborhood's centre; hidden when zoomed far out, where they would overlap.
  const labelLayer = L.layerGroup().addTo(map)
  const syncLabels = () => {
    const show = map.getZoom() >= 13 && map.hasLayer(areaLayer)
    if (show && !map.hasLayer(labelLayer)) map.addLayer(labelLayer)
    if (!show && map.hasLayer(labelLayer)) map.removeLayer(labelLayer)
  }
  map.on('zoomend', syncLabels)
  const linkLayer = L.layerGroup().addTo(map)
  const apLayer = L.layerGroup().addTo(map)
  const markers = new Map<string, { marker: L.CircleMarker; status: DeviceStatus; row: DeviceRow }>()
  let selected: string | null = null

  function areaStyle(row: NeighborhoodStats, classes: Classes): L.PathOptions {
    const isSel = selected === row.id
    return {
      fillColor: fillFor(classes, row),
      fillOpacity: 0.72,
      color: isSel ? '#111827' : row.served ? '#1f2937' : '#6b7280',
      weight: isSel ? 3.5 : row.served ? 1.6 : 1,
      dashArray: row.served ? undefined : '4 3',
    }
  }

  let lastClasses: Classes | null = null
  let lastRows = new Map<string, NeighborhoodStats>()

  function setNeighborhoods(features: readonly NeighborhoodFeature[], classes: Classes, describe: (row: NeighborhoodStats) => string) {
    lastClasses = classes
    lastRows = new Map(features.map((f) => [f.properties.id, f.properties]))
    for (const f of features) {
      const row = f.properties
      let poly = areas.get(row.id)
      if (!poly) {
        // A feature without its polygon (a figures-only refresh) waits for the next full answer.
        if (!f.geometry) continue
        const gj = L.geoJSON(f.geometry, { renderer: areaRenderer, pane: 'neighborhoods' } as L.GeoJSONOptions)
        poly = gj.getLayers()[0] as L.Polygon
        poly.on('click', () => opts.onNeighborhood(row.id))
        poly.bindTooltip('', { sticky: true, direction: 'top', className: 'cn-tooltip' })
        areaLayer.addLayer(poly)
        areas.set(row.id, poly)
        const label = L.tooltip({ permanent: true, direction: 'center', className: 'cn-label', interactive: false, opacity: 1 })
          .setLatLng(labelPoint(poly))
          .setContent(escapeHtml(row.name))
        labelLayer.addLayer(label)
        const path = (poly as unknown as { _path?: SVGPathElement })._path
        if (path) {
          // Keyboard users reach each neighborhood with Tab and open it with Enter or Space.
          path.setAttribute('tabindex', '0')
          path.setAttribute('role', 'button')
          path.setAttribute('data-testid', 'neighborhood-shape')
          path.setAttribute('data-id', row.id)
          path.addEventListener('keydown', (e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault()
              opts.onNeighborhood(row.id)
            }
          })
        }
      }
      poly.setStyle(areaStyle(row, classes))
      poly.setTooltipContent(`<strong>${escapeHtml(row.name)}</strong><br>${escapeHtml(describe(row))}`)
      const path = (poly as unknown as { _path?: SVGPathElement })._path
      path?.setAttribute('aria-label', `${row.name}: ${describe(row)}`)
      path?.setAttribute('data-served', String(row.served))
    }
  }

  function select(id: string | null) {
    selected = id
    if (!lastClasses) return
    for (const [nid, poly] of areas) {
      const row = lastRows.get(nid)
      if (row) poly.setStyle(areaStyle(row, lastClasses))
      if (nid === id) poly.bringToFront()
    }
  }

  function setDevices(rows: readonly DeviceRow[], describe: (row: DeviceRow) => string) {
    const seen = new Set<string>()
    for (const row of rows) {
      if (row.kind !== 'ap' || !Number.isFinite(row.lat) || !Number.isFinite(row.lon)) continue
      seen.add(row.id)
      const m = markers.get(row.id)
      if (!m) {
        const marker = new ShapeMarker([row.lat, row.lon], { ...markerStyle(row.status), renderer: apRenderer, pane: 'aps' } as L.CircleMarkerOptions & { shape: string })
        marker.on('click', () => opts.onDevice(row.id))
        marker.bindTooltip(() => escapeHtml(describe(markers.get(row.id)?.row ?? row)), { direction: 'top', offset: [0, -6], className: 'cn-tooltip' })
        apLayer.addLayer(marker)
        markers.set(row.id, { marker, status: row.status, row })
        if (row.status === 'down') marker.bringToFront()
        continue
      }
      m.row = row
      if (m.status !== row.status) {
        m.status = row.status
        m.marker.setStyle(markerStyle(row.status))
        m.marker.setRadius(markerStyle(row.status).radius!)
        if (row.status === 'down') m.marker.bringToFront()
      }
      const ll = m.marker.getLatLng()
      if (ll.lat !== row.lat || ll.lng !== row.lon) m.marker.setLatLng([row.lat, row.lon])
    }
    for (const [id, m] of markers) {
      if (!seen.has(id)) {
        apLayer.removeLayer(m.marker)
        markers.delete(id)
      }
    }
  }

  const links = new Map<string, L.Polyline>()
  function setLinks(rows: readonly LinkRow[], describe: (row: LinkRow) => string) {
    const seen = new Set<string>()
    for (const row of rows) {
      if (row.coordinates.length < 2) continue
      seen.add(row.id)
      const style: L.PolylineOptions = {
        color: row.status === 'up' ? '#1d4ed8' : STATUS_COLORS[row.status],
        weight: row.status === 'up' ? 3 : 4,
        opacity: 0.9,
        dashArray: row.status === 'down' ? '8 6' : row.status === 'unknown' ? '2 5' : undefined,
      }
      let line = links.get(row.id)
      if (!line) {
        line = L.polyline(
          row.coordinates.map(([lon, lat]) => [lat, lon] as [number, number]),
          { ...style, renderer: linkRenderer, pane: 'links', interactive: true },
        )
        line.bindTooltip('', { sticky: true, className: 'cn-tooltip' })
        linkLayer.addLayer(line)
        links.set(row.id, line)
      }
      line.setStyle(style)
      line.setTooltipContent(escapeHtml(describe(row)))
    }
    for (const [id, line] of links) {
      if (!seen.has(id)) {
        linkLayer.removeLayer(line)
        links.delete(id)
      }
    }
  }

  // Root causes of open incidents: a cut link drawn wide under its dashes, a failed device
  // ringed in red, so the eye goes to the cause, not to the dark APs behind it; and a thin
  // dashed tether from the cause to each AP it takes out, so the APs are drawn under it.
  const rootLayer = L.layerGroup().addTo(map)
  /** draws the roots and their tethers; returns the tethers drawn per root ('kind:id') */
  function markIncidentRoots(roots: readonly { kind: 'device' | 'link' | 'reported'; id: string; aps: readonly string[]; place?: { lon: number; lat: number } | null }[]): Record<string, number> {
    rootLayer.clearLayers()
    const drawn: Record<string, number> = {}
    for (const r of roots) {
      let anchor: L.LatLng | undefined
      const aps = r.aps.map((id) => markers.get(id)?.marker.getLatLng()).filter((p): p is L.LatLng => p !== undefined)
      if (r.kind === 'link') {
        const line = links.get(r.id)
        if (line) {
          const pts = line.getLatLngs() as L.LatLng[]
          rootLayer.addLayer(L.polyline(pts, { renderer: linkRenderer, pane: 'links', color: '#b91c1c', weight: 10, opacity: 0.35, interactive: false }))
          // the end of the link nearer the APs it cut off
          if (pts.length > 0 && aps.length > 0) {
            const c = L.latLngBounds(aps).getCenter()
            anchor = c.distanceTo(pts[0]!) <= c.distanceTo(pts.at(-1)!) ? pts[0]! : pts.at(-1)!
          }
        }
      } else if (r.kind === 'reported') {
        // opened by hand from residents' reports: ringed where they reported it
        if (r.place) {
          anchor = L.latLng(r.place.lat, r.place.lon)
          rootLayer.addLayer(L.circleMarker(anchor, { renderer: apRenderer, pane: 'aps', radius: 15, color: '#6d28d9', weight: 3, fill: false, interactive: false }))
        }
      } else {
        const m = markers.get(r.id)
        if (m) {
          anchor = m.marker.getLatLng()
          rootLayer.addLayer(L.circleMarker(anchor, { renderer: apRenderer, pane: 'aps', radius: 15, color: '#b91c1c', weight: 3, fill: false, interactive: false }))
        }
      }
      let n = 0
      if (anchor) {
        for (const p of aps) {
          if (p.equals(anchor)) continue
          rootLayer.addLayer(L.polyline([anchor, p], { renderer: linkRenderer, pane: 'links', color: '#b91c1c', weight: 1.5, opacity: 0.8, dashArray: '3 5', interactive: false }))
          n++
        }
      }
      drawn[`${r.kind}:${r.id}`] = n
    }
    return drawn
  }

  // Residents' reports (engineers): one ring per cluster of pins (a place, an hour), sized by
  // how many reported, purple when none of them matches an incident (a problem the SNMP
  // view does not see), grey when they are part of a known incident.
  const reportLayer = L.layerGroup().addTo(map)
  function setResidentReports(clusters: readonly ReportClusterRow[], describe: (c: ReportClusterRow) => string): number {
    reportLayer.clearLayers()
    let n = 0
    for (const c of clusters) {
      if (c.lon === null || c.lat === null) continue
      const unmatched = c.unmatched > 0
      const m = L.circleMarker([c.lat, c.lon], { renderer: apRenderer, pane: 'aps', radius: 6 + Math.min(10, 2 * c.reports), color: unmatched ? '#6d28d9' : '#4b5563', weight: 2, dashArray: '2 3', fillColor: unmatched ? '#6d28d9' : '#9ca3af', fillOpacity: 0.25 })
      m.bindTooltip(escapeHtml(describe(c)))
      reportLayer.addLayer(m)
      n++
    }
    return n
  }

  function fitNeighborhoods() {
    const b = L.latLngBounds([])
    for (const p of areas.values()) b.extend(p.getBounds())
    if (b.isValid()) map.fitBounds(b, { padding: [12, 12] })
  }

  // A ring around the AP whose panel is open, so the eye finds it after the zoom.
  const halo = L.circleMarker([0, 0], { renderer: apRenderer, pane: 'aps', radius: 13, color: '#111827', weight: 3, fill: false, interactive: false })
  function selectDevice(id: string | null) {
    const m = id ? markers.get(id) : undefined
    if (!m) {
      halo.remove()
      return
    }
    halo.setLatLng(m.marker.getLatLng())
    if (!map.hasLayer(halo)) halo.addTo(map)
    halo.bringToFront()
  }

  function focusDevice(id: string) {
    const m = markers.get(id)
    if (m) map.setView(m.marker.getLatLng(), Math.max(map.getZoom(), 16), { animate: false })
  }
  function focusNeighborhood(id: string) {
    const p = areas.get(id)
    if (p) map.fitBounds(p.getBounds(), { padding: [24, 24], maxZoom: 16, animate: false })
  }

  function setLayerVisible(layer: 'neighborhoods' | 'links' | 'aps', visible: boolean) {
    const l = layer === 'neighborhoods' ? areaLayer : layer === 'links' ? linkLayer : apLayer
    if (visible && !map.hasLayer(l)) map.addLayer(l)
    if (!visible && map.hasLayer(l)) map.removeLayer(l)
    syncLabels()
  }

  return {
    map,
    markers,
    setNeighborhoods,
    setDevices,
    setLinks,
    markIncidentRoots,
    setResidentReports,
    select,
    selectDevice,
    fitNeighborhoods,
    focusDevice,
    focusNeighborhood,
    setLayerVisible,
    tileErrors: () => tileErrors,
    invalidate: () => map.invalidateSize(),
  }
}

export type CityMap = ReturnType<typeof createCityMap>

/**
 * Where a polygon's name goes: the centre of its bounds when that lies inside the polygon,
 * else the middle of the widest horizontal run through it (concave shapes).
 */
function labelPoint(poly: L.Polygon): L.LatLng {
  const ring = (poly.getLatLngs() as L.LatLng[][] | L.LatLng[][][]).flat(2) as L.LatLng[]
  const b = poly.getBounds()
  const c = b.getCenter()
  const inside = (lat: number, lng: number) => {
    let hit = false
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i]!
      const p = ring[j]!
      if (a.lat > lat !== p.lat > lat && lng < ((p.lng - a.lng) * (lat - a.lat)) / (p.lat - a.lat) + a.lng) hit = !hit
    }
    return hit
  }
  if (inside(c.lat, c.lng)) return c
  let best = c
  let bestW = -1
  for (let k = 1; k < 10; k++) {
    const lat = b.getSouth() + ((b.getNorth() - b.getSouth()) * k) / 10
    const xs: number[] = []
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i]!
      const p = ring[j]!
      if (a.lat > lat !== p.lat > lat) xs.push(((p.lng - a.lng) * (lat - a.lat)) / (p.lat - a.lat) + a.lng)
    }
    xs.sort((x, y) => x - y)
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const w = xs[i + 1]! - xs[i]!
      if (w > bestW) {
        bestW = w
        best = L.latLng(lat, (xs[i]! + xs[i + 1]!) / 2)
      }
    }
  }
  return best
}

// (shared by every page: web/src/format.ts)
export { escapeHtml }

