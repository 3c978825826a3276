import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createSimulatedCity } from '../../simulators/city.ts'
import { manualClock } from '../../core/clock.ts'
import { MINUTE_MS } from '../../simulators/model.ts'
import { smallCity, silentLog } from './fixture.ts'

// local midnight in Hartford (EST, UTC-5) on 2026-11-20
const DAY = Date.parse('2026-11-20T05:00:00Z')
const HOUR = 60 * MINUTE_MS
const city = (seed: number, extra: { clientsPerAp?: number; randomizedMacShare?: number } = {}) =>
  createSimulatedCity(smallCity(), { seed, clock: manualClock(DAY), ...extra }, silentLog)

const behaviour = suite('simulated clients and traffic')

behaviour('roaming: over a day, the per-AP distinct clients add up to more than the neighborhood\'s unique clients', () => {
  const c = city(5)
  const end = DAY + 24 * HOUR
  for (const nb of ['north', 'south']) {
    const aps = c.model.topo.apsByNeighborhood.get(nb)!.map((i) => c.model.topo.aps[i]!.id)
    const perAp = aps.reduce((s, ap) => s + c.truth.uniqueClients(ap, DAY, end), 0)
    const unique = c.truth.uniqueClients(nb, DAY, end)
    assert.ok(unique > 50, `${nb}: ${unique} clients`)
    assert.ok(perAp > unique * 1.2, `${nb}: sum of per-AP ${perAp} vs unique ${unique}`)
  }
})

behaviour('diurnal: few clients at night, most in the afternoon and evening', () => {
  const c = city(5)
  const mean = (fromH: number, toH: number) => {
    let s = 0
    let n = 0
    for (let t = DAY + fromH * HOUR; t < DAY + toH * HOUR; t += 10 * MINUTE_MS, n++) s += c.truth.clientsAt('south', t)
    return s / n
  }
  const night = mean(2, 5)
  const afternoon = mean(15, 19)
  assert.ok(afternoon > 3 * night && afternoon > 10, `night ${night.toFixed(1)}, afternoon ${afternoon.toFixed(1)}`)
})

behaviour('randomized MACs: the configured share, with the locally administered bit set on exactly those', () => {
  const c = city(9, { clientsPerAp: 300, randomizedMacShare: 0.25 })
  // the city-wide list: a roamer seen in both neighborhoods is one client, with one MAC
  const macs = c.truth.uniqueClientMacs('all', DAY, DAY + 24 * HOUR)
  const la = macs.filter((m) => (parseInt(m.slice(0, 2), 16) & 0x02) !== 0)
  const share = la.length / macs.length
  assert.ok(macs.length > 1000, `${macs.length} clients`)
  assert.ok(share >= 0.2 && share <= 0.3, `share ${share.toFixed(3)}`)
  assert.ok(macs.every((m) => (parseInt(m.slice(0, 2), 16) & 0x01) === 0), 'all unicast')
  assert.is(new Set(macs).size, macs.length, 'no two clients share a MAC')
  const flagged = c.model.clients.filter((cl) => cl.randomized)
  assert.ok(flagged.every((cl) => (cl.macBytes[0]! & 0x02) !== 0))
  assert.ok(c.model.clients.filter((cl) => !cl.randomized).every((cl) => (cl.macBytes[0]! & 0x02) === 0))
})

behaviour('same seed, identical truth; another seed, another city', () => {
  const a = city(21)
  const b = city(21)
  const other = city(22)
  const sample = (c: ReturnType<typeof city>) => {
    const out: number[] = []
    for (let t = DAY + 12 * HOUR; t < DAY + 14 * HOUR; t += 7 * MINUTE_MS) out.push(c.truth.clientsAt('ap-s1', t), c.truth.clientsAt('wlc-1', t))
    return { clients: out, macs: c.truth.uniqueClientMacs('north', DAY, DAY + 24 * HOUR), bytes: c.truth.bytes('south', DAY, DAY + 24 * HOUR) }
  }
  const sa = sample(a)
  assert.equal(sa, sample(b))
  assert.not.equal(sa, sample(other))
})

behaviour('state is a pure function of time: minutes asked out of order give the same answers', () => {
  const a = city(4)
  const b = city(4)
  const times = Array.from({ length: 30 }, (_, i) => DAY + 9 * HOUR + i * 13 * MINUTE_MS)
  const forward = times.map((t) => a.truth.clientListAt('north', t))
  const backward = [...times].reverse().map((t) => b.truth.clientListAt('north', t)).reverse()
  assert.equal(forward, backward)
  assert.equal(a.truth.bytes('ap-n2', DAY, DAY + 5 * HOUR), b.truth.bytes('ap-n2', DAY, DAY + 5 * HOUR))
})

behaviour('bytes add up: a neighborhood is the sum of its APs, a switch carries what hangs below it', () => {
  const c = city(8)
  const from = DAY + 10 * HOUR
  const to = DAY + 13 * HOUR
  const s = ['ap-s1', 'ap-s2', 'ap-s3'].reduce((acc, ap) => acc + c.truth.bytes(ap, from, to).total, 0)
  assert.is(c.truth.bytes('south', from, to).total, s)
  assert.is(c.truth.bytes('sw-south', from, to).total, s)
  assert.ok(s > 0)
})

behaviour('truth as JSON lines: one line per minute with clients and bytes per AP', () => {
  const c = city(8)
  const dir = mkdtempSync(join(tmpdir(), 'sim-truth-'))
  try {
    const file = join(dir, 'truth.jsonl')
    const from = DAY + 17 * HOUR
    assert.is(c.truth.writeJsonl(file, from, from + 5 * MINUTE_MS), 5)
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { timeMs: number; clients: Record<string, number> })
    assert.equal(lines.map((l) => l.timeMs), [0, 1, 2, 3, 4].map((i) => from + i * MINUTE_MS))
    assert.is(lines[2]!.clients['ap-s1'] ?? 0, c.truth.clientsAt('ap-s1', from + 2 * MINUTE_MS))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

behaviour.run()
