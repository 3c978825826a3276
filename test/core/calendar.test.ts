import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { datesIn, isLocalDate, localDate, periodOf, quarterDates, startOfLocalDate, utcOffsetMs } from '../../core/calendar.ts'

const NY = 'America/New_York'
const test = suite('core/calendar: the city\'s local days, months and quarters')

test('a local day in New York starts at 05:00 UTC in winter and 04:00 UTC in summer', () => {
  assert.is(new Date(startOfLocalDate('2026-01-15', NY)).toISOString(), '2026-01-15T05:00:00.000Z')
  assert.is(new Date(startOfLocalDate('2026-07-15', NY)).toISOString(), '2026-07-15T04:00:00.000Z')
  assert.is(utcOffsetMs(Date.UTC(2026, 0, 15, 12), NY), -5 * 3_600_000)
})

test('the days around daylight-saving changes are 23 and 25 hours long', () => {
  const len = (d: string, next: string) => (startOfLocalDate(next, NY) - startOfLocalDate(d, NY)) / 3_600_000
  assert.is(len('2026-03-08', '2026-03-09'), 23)
  assert.is(len('2026-11-01', '2026-11-02'), 25)
  assert.is(len('2026-11-02', '2026-11-03'), 24)
})

test('an instant falls on its local date, not its UTC date', () => {
  assert.is(localDate(Date.UTC(2026, 11, 1, 3, 0), NY), '2026-11-30')
  assert.is(localDate(Date.UTC(2026, 11, 1, 5, 0), NY), '2026-12-01')
  assert.is(localDate(startOfLocalDate('2026-03-08', NY), NY), '2026-03-08')
  assert.is(localDate(startOfLocalDate('2026-03-09', NY) - 1, NY), '2026-03-08')
})

test('periods, quarters and date lists', () => {
  assert.equal([periodOf('day', '2026-08-15'), periodOf('month', '2026-08-15'), periodOf('quarter', '2026-08-15'), periodOf('quarter', '2026-12-31')], ['2026-08-15', '2026-08', '2026Q3', '2026Q4'])
  assert.equal(quarterDates('2026Q3'), { from: '2026-07-01', to: '2026-10-01' })
  assert.equal(quarterDates('2026Q4'), { from: '2026-10-01', to: '2027-01-01' })
  assert.is(quarterDates('2026Q5'), null)
  assert.equal(datesIn('2026-02-27', '2026-03-02'), ['2026-02-27', '2026-02-28', '2026-03-01'])
  assert.equal([isLocalDate('2026-02-29'), isLocalDate('2028-02-29'), isLocalDate('2026-13-01'), isLocalDate('26-01-01')], [false, true, false, false])
})

test.run()
