import { test } from 'uvu'
import * as assert from 'uvu/assert'
import pino from 'pino'
import { fastClock } from '../../core/clock.ts'
import type { Device, Inventory } from '../../core/inventory.ts'
import type { Sample } from '../../core/metrics.ts'
import { createPoller, type PollRecord } from '../../collector/scheduler.ts'
import type { ReadingInput } from '../../collector/samples.ts'
import { inShard, parseShard, pollOffsetMs } from '../../collector/shard.ts'

const log = pino({ level: 'silent' })

function inventory(n: number, extra: Device[] = []): Inventory {
  const devices: Device[] = Array.from({ length: n }, (_, i) => ({
    id: `sw-${i}`, name: `Switch ${i}`, kind: 'switch', site: 'site-1', mgmt: { host: '127.0.0.1', port: 10_000 + i }, credential: 'public',
  }))
  return {
    city: { name: 'Test', timezone: 'UTC' },
    neighborhoods: [],
    sites: [{ id: 'site-1', kind: 'pole', lon: -72.68, lat: 41.76, neighborhood: 'downtown' }],
    devices: [...devices, ...extra],
    links: [],
  }
}

const reading = (): ReadingInput => ({ clients: { total: 0, breakdown: [] }, optics: [], interfaces: [], sysUpTimeTicks: 100 })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('each device is polled once per interval at its stable hash offset, on a simulated clock', async () => {
  // 60 s interval = 2 s real; timers on a loaded 2-core machine run up to ~0.3 s late,
  // which is 9 s of simulated time: the tolerance below.
  const clock = fastClock(Date.UTC(2026, 0, 1), 30)
  const seen: { device: string; timeMs: number }[] = []
  const samples: Sample[] = []
  const startMs = clock.now()
  const p = createPoller({ intervalMs: 60_000 }, {
    inventory: inventory(20), clock, log, sink: { write: (s) => samples.push(...s) },
    poll: async () => reading(), onPoll: (r) => seen.push({ device: r.device, timeMs: r.timeMs }),
  })
  p.start()
  await sleep(6_200) // a little over three intervals
  await p.stop()
  const perDevice = new Map<string, number[]>()
  for (const s of seen) perDevice.set(s.device, [...(perDevice.get(s.device) ?? []), s.timeMs])
  assert.is(perDevice.size, 20)
  for (const [device, times] of perDevice) {
    assert.ok(times.length >= 3 && times.length <= 4, `${device} polled ${times.length} times`)
    for (let i = 1; i < times.length; i++) {
      const gap = times[i]! - times[i - 1]!
      assert.ok(Math.abs(gap - 60_000) < 9_000, `${device} gap ${gap} ms`)
    }
    // The first poll lands at the device's offset within the first interval (+ timer slack;
    // Node timers may fire a fraction of a real ms early against Date.now, x30 here).
    const offset = pollOffsetMs(device, 60_000)
    const firstDue = Math.floor(startMs / 60_000) * 60_000 + offset + (Math.floor(startMs / 60_000) * 60_000 + offset < startMs ? 60_000 : 0)
    assert.ok(times[0]! - firstDue > -100 && times[0]! - firstDue < 9_000, `${device} first at ${times[0]! - firstDue} ms from its offset`)
  }
  // device_up, wifi_clients and 3 self-metrics per poll.
  assert.is(samples.length, seen.length * 5)
})

test('a device whose poll hangs is skipped as missed while the others keep their schedule and timings', async () => {
  const clock = fastClock(Date.UTC(2026, 0, 1), 60)
  const records: PollRecord[] = []
  const p = createPoller({ intervalMs: 60_000, maxInFlight: 4, timeoutMs: 1000, retries: 0 }, {
    inventory: inventory(12), clock, log, sink: { write: () => {} },
    poll: async (d) => {
      if (d.id === 'sw-3') await sleep(2_500) // 2.5 intervals: two of its turns come while it hangs
      else await sleep(5)
      return reading()
    },
    onPoll: (r) => records.push(r),
  })
  p.start()
  await sleep(3_300)
  await p.stop(3_000)
  const st = p.stats()
  assert.ok(st.missed >= 1, `missed ${st.missed}`)
  const others = records.filter((r) => r.device !== 'sw-3')
  assert.is(new Set(others.map((r) => r.device)).size, 11)
  for (const r of others) assert.ok(r.durationMs < 100, `${r.device} took ${r.durationMs} ms`)
  assert.ok(records.filter((r) => r.device === 'sw-3').length <= 2)
})

test('no more than maxInFlight polls run at once', async () => {
  const clock = fastClock(Date.UTC(2026, 0, 1), 600) // 60 s interval = 100 ms real: every device due at once
  let running = 0
  let peak = 0
  const p = createPoller({ intervalMs: 60_000, maxInFlight: 3, tickMs: 60_000 }, {
    inventory: inventory(30), clock, log, sink: { write: () => {} },
    poll: async () => {
      running++
      peak = Math.max(peak, running)
      await sleep(20)
      running--
      return reading()
    },
  })
  p.start()
  await sleep(400)
  await p.stop()
  assert.is(peak, 3)
  assert.ok(p.stats().ok >= 30)
})

test('pollAll polls every device once at the clock\'s time, bounded by maxInFlight, without start()', async () => {
  let t = Date.UTC(2026, 0, 1, 5)
  const clock = { now: () => t, speed: 1, after: () => () => {} }
  let running = 0
  let peak = 0
  const records: PollRecord[] = []
  const p = createPoller({ maxInFlight: 4 }, {
    inventory: inventory(25), clock, log, sink: { write: () => {} }, onPoll: (r) => records.push(r),
    poll: async () => {
      running++
      peak = Math.max(peak, running)
      await sleep(5)
      running--
      return reading()
    },
  })
  await p.pollAll()
  t += 3_600_000
  await p.pollAll()
  assert.is(records.length, 50)
  assert.is(peak, 4)
  assert.equal([...new Set(records.map((r) => r.timeMs))], [Date.UTC(2026, 0, 1, 5), Date.UTC(2026, 0, 1, 6)])
})

test('lightweight APs are not polled themselves: their controller is', async () => {
  const ap: Device = { id: 'ap-1', name: 'AP 1', kind: 'ap', site: 'site-1', mgmt: { host: '127.0.0.1', port: 161 }, credential: 'public', controller: 'sw-0', controllerApName: 'AP-1' }
  const clock = fastClock(Date.UTC(2026, 0, 1), 60)
  const p = createPoller({}, { inventory: inventory(2, [ap]), clock, log, sink: { write: () => {} }, poll: async () => reading() })
  assert.equal(p.schedule().map((x) => x.device).sort(), ['sw-0', 'sw-1'])
})

test('--shard i/n splits the inventory into disjoint stable shares that cover every device', () => {
  const inv = inventory(1000)
  const clock = fastClock(0, 60)
  const shares = [0, 1, 2].map((i) =>
    createPoller({ shard: parseShard(`${i}/3`) }, { inventory: inv, clock, log, sink: { write: () => {} }, poll: async () => reading() }).schedule().map((x) => x.device),
  )
  const all = shares.flat()
  assert.is(all.length, 1000)
  assert.is(new Set(all).size, 1000)
  for (const s of shares) assert.ok(s.length > 280 && s.length < 390, `share of ${s.length}`)
  assert.ok(inShard('sw-42', parseShard('0/1')))
  assert.throws(() => parseShard('3/3'), /0 <= i < n/)
  assert.throws(() => parseShard('two'), /i\/n/)
})

test.run()
