/**
 * The map pin of the residents' report form on the public status page (status/render.ts
 * draws the form; this script only enhances it, so without scripts the form is whole):
 * shows the chosen neighborhood's outline on a small map; a tap inside it, or "Use my
 * location", places the pin and fills the form's hidden lon/lat (6 decimals), once the
 * server says the point is in the neighborhood (GET /api/resident-reports/known, the same
 * check the report gets); a point outside it is refused with the page's own words, and what
 * is known there (an open incident, others' reports) is said. The words come from the
 * server-rendered page (data-said-*), in its language. OpenStreetMap tiles when online
 * (?tiles=0 for none); a failed tile is blank, the outline still shows.
 *
 * Test hook: window.__civicnetPin = { ready, placed: [lon, lat] | null }.
 */
import L from 'leaflet'

declare global {
  interface Window {
    __civicnetPin: { ready: boolean; placed: [number, number] | null }
  }
}
window.__civicnetPin = { ready: false, placed: null }
const BLANK_TILE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'

async function start(): Promise<void> {
  const box = document.querySelector<HTMLFieldSetElement>('fieldset[data-pin-neighborhood]')
  if (!box) return
  const said = document.getElementById('pin-said')!
  const lonIn = document.getElementById('pin-lon') as HTMLInputElement
  const latIn = document.getElementById('pin-lat') as HTMLInputElement
  const res = await fetch('/api/neighborhoods', { headers: { accept: 'application/json' } })
  if (!res.ok) return
  const body = (await res.json()) as { features?: { properties: { id: string }; geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon | null }[] }
  const hood = body.features?.find((f) => f.properties.id === box.dataset.pinNeighborhood)
  if (!hood?.geometry) return
  const area = hood.geometry
  box.hidden = false
  const el = document.getElementById('pin-map')!
  el.setAttribute('aria-label', box.dataset.mapLabel ?? '')
  const map = L.map(el, { attributionControl: true, zoomControl: true })
  if (new URLSearchParams(location.search).get('tiles') !== '0') {
    L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, errorTileUrl: BLANK_TILE, crossOrigin: true, attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors' }).addTo(map)
  }
  const outline = L.geoJSON({ type: 'Feature', properties: {}, geometry: area } as GeoJSON.Feature, { style: { color: '#1d4ed8', weight: 2, fillOpacity: 0.08 }, interactive: false }).addTo(map)
  map.fitBounds(outline.getBounds(), { padding: [8, 8] })
  let marker: L.CircleMarker | null = null
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6
  const place = async (lon: number, lat: number) => {
    const q = new URLSearchParams({ neighborhood: box.dataset.pinNeighborhood ?? '', lon: String(r6(lon)), lat: String(r6(lat)) })
    const known = await fetch(`/api/resident-reports/known?${q}`, { headers: { accept: 'application/json' } })
    if (!known.ok) {
      said.textContent = known.status === 400 ? (box.dataset.saidOutside ?? '') : ''
      return
    }
    const k = (await known.json()) as { incident: { id: number } | null; othersLastHour: number }
    lonIn.value = String(r6(lon))
    latIn.value = String(r6(lat))
    marker?.remove()
    marker = L.circleMarker([lat, lon], { radius: 8, color: '#b91c1c', weight: 3, fillOpacity: 0.5 }).addTo(map)
    said.textContent = [box.dataset.saidPlaced, k.incident ? box.dataset.saidKnown : '', k.othersLastHour > 0 ? (box.dataset.saidOthers ?? '').replace('{n}', String(k.othersLastHour)) : ''].filter(Boolean).join(' ')
    window.__civicnetPin.placed = [r6(lon), r6(lat)]
  }
  map.on('click', (e: L.LeafletMouseEvent) => void place(e.latlng.lng, e.latlng.lat))
  document.getElementById('pin-locate')!.addEventListener('click', () => {
    if (!('geolocation' in navigator)) {
      said.textContent = box.dataset.saidNolocation ?? ''
      return
    }
    navigator.geolocation.getCurrentPosition(
      (p) => {
        void place(p.coords.longitude, p.coords.latitude)
        map.panTo([p.coords.latitude, p.coords.longitude])
      },
      () => (said.textContent = box.dataset.saidNolocation ?? ''),
      { timeout: 10_000, maximumAge: 60_000 },
    )
  })
  window.__civicnetPin.ready = true
}
void start()
