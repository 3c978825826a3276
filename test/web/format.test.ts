/** The page's pure parts: choropleth classes and legend, number formats, API normalization. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { classify, classOf, fillFor, fmtBytes, fmtDuration, fmtPct, fmtSince, legendRows, METRIC_SPECS, NOT_SERVED_FILL, NO_DATA_FILL, textOn } from '../../web/src/format.ts'
import { normalizeDevice, normalizeLink, normalizeNeighborhood } from '../../web/src/api-client.ts'
import type { NeighborhoodStats } from '../../web/src/types.ts'

const row = (id: string, served: boolean, clientsNow: number | null, hh: number | null = 100): NeighborhoodStats => ({
  id, name: id, served, clientsNow, peakClients: null, bytes: null, availabilityPct: null, apsUp: null, apsDown: null,
  population: null, households: null, householdsWithoutBroadband: hh, pctWithoutBroadband: null, povertyRatePct: null,
})

const format = suite('web/format')
format('splits 0..max into five equal classes with a nice upper bound, served rows only', () => {
  const c = classify(METRIC_SPECS.clientsNow, [row('a', true, 10), row('b', true, 870), row('c', false, 5000)])
  assert.equal(c.limits, [200, 400, 600, 800])
  assert.is(classOf(c, 0), 0)
  assert.is(classOf(c, 200), 1)
  assert.is(classOf(c, 870), 4)
})
format('fills unserved neighborhoods apart for Wi-Fi metrics, and missing census data grey', () => {
  const c = classify(METRIC_SPECS.clientsNow, [row('a', true, 100)])
  assert.is(fillFor(c, row('x', false, 50)), NOT_SERVED_FILL)
  const need = classify(METRIC_SPECS.householdsWithoutBroadband, [row('a', false, null, 800)])
  assert.is(fillFor(need, row('x', false, null, null)), NO_DATA_FILL)
  assert.is(fillFor(need, row('x', false, null, 800)), METRIC_SPECS.householdsWithoutBroadband.colors[4])
})
format('availability uses fixed limits and labels each class', () => {
  const c = classify(METRIC_SPECS.availabilityPct, [])
  assert.equal(legendRows(c).map((r) => r[1]), ['below 90.0%', '90.0% – 95.0%', '95.0% – 99.0%', '99.0% – 99.9%', '99.9% and more'])
})
format('formats bytes in SI units and percentages with one decimal', () => {
  assert.is(fmtBytes(98_973_000_000), '99 GB')
  assert.is(fmtBytes(512), '512 B')
  assert.is(fmtBytes(null), '–')
  assert.is(fmtPct(99.887), '99.9%')
})
format('picks dark text on light fills and white on dark ones', () => {
  assert.is(textOn('#eff3ff'), '#111827')
  assert.is(textOn('#08519c'), '#ffffff')
})
format('says how long a state has lasted in the unit that reads naturally, and since what clock time', () => {
  const MIN = 60_000
  assert.equal([0, 12, 89, 90, 125, 47 * 60, 48 * 60, 50 * 60].map((m) => fmtDuration(m * MIN)), ['0 min', '12 min', '89 min', '1 h 30 min', '2 h 5 min', '47 h', '2 d', '2 d 2 h'])
  const now = new Date(2026, 10, 24, 14, 30).getTime() // local time, as the page shows it
  assert.is(fmtSince(now - 12 * MIN, now), 'since 14:18 (12 min)')
  assert.is(fmtSince(now - 15 * 60 * MIN, now), 'since Nov 23 23:30 (15 h)') // the day before: with its date
})
format.run()

const normalize = suite('web/api-client normalization')
normalize('flattens the API neighborhood feature (census nested) into one row', () => {
  const f = normalizeNeighborhood({
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [] },
    properties: {
      id: 'frog-hollow', name: 'Frog Hollow', served: true, clientsNow: 455, peakClients: 525, bytes: 9.9e10, availabilityPct: 99.5,
      apsTotal: 37, apsUp: 33, apsDown: 4, apsUnknown: 0,
      census: { population: 8625, households: 3539, householdsWithoutBroadband: 559, pctWithoutBroadband: 15.8, povertyRatePct: 29.1 },
    },
  })
  assert.equal(f.properties, {
    id: 'frog-hollow', name: 'Frog Hollow', served: true, clientsNow: 455, peakClients: 525, bytes: 9.9e10, availabilityPct: 99.5,
    apsUp: 33, apsDown: 4, population: 8625, households: 3539, householdsWithoutBroadband: 559, pctWithoutBroadband: 15.8, povertyRatePct: 29.1,
  })
})
normalize('reads a device with null coordinates as NaN and an unknown status as unknown', () => {
  const d = normalizeDevice({ id: 'sw-1', name: 'SW-1', kind: 'switch', neighborhood: '', lon: null, lat: null, status: 'weird', lastPollMs: null })
  assert.ok(Number.isNaN(d.lon) && Number.isNaN(d.lat))
  assert.is(d.status, 'unknown')
  assert.is(d.clients, null)
})
normalize('reads a link route and the optics at both ends', () => {
  const l = normalizeLink({
    id: 'f1', status: 'down', lengthM: 1200, route: { type: 'LineString', coordinates: [[-72.6, 41.7], [-72.7, 41.8]] },
    a: { device: 'core', port: 'xe-0/0/1', rxDbm: -7.5 }, b: { device: 'sw-1', port: 'sfp1', rxDbm: null },
  })
  assert.equal(l, { id: 'f1', status: 'down', coordinates: [[-72.6, 41.7], [-72.7, 41.8]], rxDbmA: -7.5, rxDbmB: null, aDevice: 'core', bDevice: 'sw-1', lengthM: 1200 })
})
normalize.run()
