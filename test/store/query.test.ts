import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { StoreQueryError, pickSource, validateAggregate } from '../../store/query.ts'
import type { AggregateQuery } from '../../store/types.ts'

const H = 3_600_000
const q: AggregateQuery = { metric: 'wifi_clients', groupBy: 'neighborhood', fromMs: 0, toMs: 24 * H, stepMs: H, fn: 'mean' }

test('counts the steps of a valid query', () => {
  assert.is(validateAggregate(q), 24)
})

test('names the field of an invalid query', () => {
  const field = (over: Partial<AggregateQuery>) => {
    try {
      validateAggregate({ ...q, ...over })
      return 'none'
    } catch (err) {
      assert.instance(err, StoreQueryError)
      return (err as StoreQueryError).field
    }
  }
  assert.is(field({ stepMs: -1 }), 'stepMs')
  assert.is(field({ toMs: -5 }), 'toMs')
  assert.is(field({ fromMs: 1.5 }), 'fromMs')
  assert.is(field({ metric: '' }), 'metric')
  assert.is(field({ fn: 'median' as never }), 'fn')
  assert.is(field({ where: { device: [] } }), 'where.device')
  assert.is(field({ stepMs: 100 }), 'stepMs') // 864,000 steps, over the 100k limit
})

test('picks the coarsest covering tier for auto and raw otherwise', () => {
  const cov = { fromMs: 0, toMs: 48 * H }
  assert.is(pickSource({ ...q, stepMs: 24 * H, source: 'auto' }, () => cov), '1d')
  assert.is(pickSource({ ...q, source: 'auto' }, () => cov), '1h')
  assert.is(pickSource({ ...q, source: 'auto' }, (t) => (t === '5m' ? cov : undefined)), '5m')
  assert.is(pickSource({ ...q, source: 'auto', where: { device: ['ap1'] } }, () => cov), 'raw')
  assert.is(pickSource({ ...q, source: 'auto', toMs: 72 * H }, () => cov), 'raw')
})

test.run()
