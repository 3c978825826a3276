import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { areaM2, bbox, haversineM, inBBox, lineLengthM, neighborhoodAt, pointInArea, routeLengthM } from '../../core/geo.ts'
import type { AreaGeometry } from '../../core/inventory.ts'

// A 0.01 x 0.01 degree square with a 0.002-degree hole in the middle, near Hartford.
const square: AreaGeometry = {
  type: 'Polygon',
  coordinates: [
    [[-72.69, 41.76], [-72.68, 41.76], [-72.68, 41.77], [-72.69, 41.77], [-72.69, 41.76]],
    [[-72.686, 41.764], [-72.684, 41.764], [-72.684, 41.766], [-72.686, 41.766], [-72.686, 41.764]],
  ],
}

test('one degree of latitude is 111.2 km on the mean-radius sphere', () => {
  assert.is(Math.round(haversineM([0, 0], [0, 1])), 111195)
  assert.is(haversineM([-72.68, 41.76], [-72.68, 41.76]), 0)
})

test('a LineString is as long as the sum of its segments, and routeLengthM rounds to 0.1 m', () => {
  const line: [number, number][] = [[-72.69, 41.76], [-72.69, 41.77], [-72.68, 41.77]]
  const sum = haversineM(line[0]!, line[1]!) + haversineM(line[1]!, line[2]!)
  assert.is(lineLengthM(line), sum)
  assert.is(routeLengthM(line), Math.round(sum * 10) / 10)
  // 0.01 deg of latitude (1112.0 m) plus 0.01 deg of longitude at 41.77 N (829.4 m)
  assert.is(routeLengthM(line), 1941.3)
})

test('a point is inside a polygon, not inside its hole, not outside it', () => {
  assert.is(pointInArea([-72.688, 41.762], square), true)
  assert.is(pointInArea([-72.685, 41.765], square), false)
  assert.is(pointInArea([-72.70, 41.765], square), false)
  const multi: AreaGeometry = { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]], square.coordinates] }
  assert.is(pointInArea([-72.688, 41.762], multi), true)
  assert.is(pointInArea([0.5, 0.5], multi), true)
})

test('neighborhoodAt names the first area holding the point, or none', () => {
  const areas = [{ id: 'sq', geometry: square }]
  assert.is(neighborhoodAt([-72.688, 41.762], areas), 'sq')
  assert.is(neighborhoodAt([-72.7, 41.7], areas), '')
})

test('bbox spans every position and inBBox tests against it', () => {
  assert.equal(bbox(square), [-72.69, 41.76, -72.68, 41.77])
  assert.is(inBBox([-72.685, 41.765], bbox(square)), true)
  assert.is(inBBox([-72.695, 41.765], bbox(square)), false)
})

test('the square of 0.01 degrees less its hole has 0.96 of 1112 m x 829 m of area', () => {
  assert.is(Math.round(areaM2(square) / 1000), 885)
})

test.run()
