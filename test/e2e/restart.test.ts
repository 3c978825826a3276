/**
 * A restart shows no false outage: `civicnet demo` stopped with Ctrl-C and started again on
 * the same data dir, some poll intervals later (so every stored status is older than two
 * intervals, as after any restart that takes a while), never reports a device down while
 * its agent answers, and stores no deviceDown (nor deviceUp) event for the restart.
 *
 * The second run is watched from the moment its API listens through its first scheduled
 * polls: GET /api/devices every 200 ms for about two poll intervals.
 *
 * And the restart keeps counting unique clients: the station sources read under the same
 * day and quarter keys (the same key ids in station_key) before and after it, so the day's
 * unique figure is not cut in two by the restart.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { localDate } from '../../core/calendar.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { spawnDemo, type DemoProcess } from '../support/demo-cli.ts'

const POLL_MS = 5000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Device {
  id: string
  kind: string
  status: 'up' | 'down' | 'unknown'
  lastPollMs: number | null
}

const test = suite<{ dataDir: string; running: DemoProcess | null }>('demo restart', { dataDir: '', running: null })

test.before((ctx) => {
  ctx.dataDir = mkdtempSync(join(tmpdir(), 'civicnet-restart-'))
})
test.after(async (ctx) => {
  await ctx.running?.stop()
  rmSync(ctx.dataDir, { recursive: true, force: true })
})

async function get<T>(url: string, token: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  assert.is(res.status, 200, `${url} answered ${res.status}`)
  return (await res.json()) as T
}

/** The newest station_key id per station source and key scope, from the stopped demo's store. */
async function keyIds(dataDir: string): Promise<Map<string, { id: number; timeMs: number }>> {
  const store = await openDuckDbStore({ path: join(dataDir, 'metrics.duckdb') })
  try {
    const latest = await store.latest({ metric: 'station_key' })
    return new Map(latest.map((v) => [`${v.device} ${v.instance}`, { id: v.value, timeMs: v.timeMs }]))
  } finally {
    await store.close()
  }
}

test('a restart on the same data dir never reports a device down while its agent answers, and stores no deviceDown', async (ctx) => {
  const env = { CIVICNET_COLLECT_INTERVAL_MS: String(POLL_MS), LOG_FORMAT: 'json' }

  // first run: history, then a few live polls
  let demo = (ctx.running = spawnDemo({ dataDir: ctx.dataDir, env }))
  await demo.url
  await sleep(POLL_MS + 1000)
  assert.is(await demo.stop(), 0, `first run did not stop cleanly: ${demo.stopReport()}`)
  ctx.running = null
  const stoppedAtMs = Date.now()
  const keysBefore = await keyIds(ctx.dataDir)
  assert.equal([...keysBefore.keys()].sort(), ['unifi-1 day', 'unifi-1 quarter', 'wlc-1 day', 'wlc-1 quarter'])

  // Let every stored status grow older than two poll intervals before the restart.
  await sleep(2 * POLL_MS + 1000)

  demo = ctx.running = spawnDemo({ dataDir: ctx.dataDir, env })
  const url = await demo.url
  const token = readFileSync(join(ctx.dataDir, 'demo-admin-token'), 'utf8').trim()
  const rounds: { atMs: number; down: Device[]; unknown: number; total: number }[] = []
  const until = Date.now() + 2 * POLL_MS + 2000
  while (Date.now() < until) {
    const body = await get<{ nowMs: number; devices: Device[] }>(`${url}/api/devices`, token)
    rounds.push({
      atMs: body.nowMs,
      down: body.devices.filter((d) => d.status === 'down'),
      unknown: body.devices.filter((d) => d.status === 'unknown').length,
      total: body.devices.length,
    })
    await sleep(200)
  }
  assert.ok(rounds.length >= 20, `only ${rounds.length} answers in two poll intervals`)
  const withDown = rounds.filter((r) => r.down.length > 0)
  assert.is(
    withDown.length,
    0,
    `${withDown.length} of ${rounds.length} answers report devices down while every agent answers; the first: ` +
      (withDown[0]
        ? `${withDown[0].down.length} of ${withDown[0].total} down at +${withDown[0].atMs - rounds[0]!.atMs} ms, e.g. ` +
          JSON.stringify(withDown[0].down.slice(0, 3).map((d) => ({ id: d.id, kind: d.kind, lastPollAgoMs: d.lastPollMs === null ? null : withDown[0]!.atMs - d.lastPollMs })))
        : ''),
  )
  // and the statuses are live: every agent answers, so every device is up by now
  const last = rounds[rounds.length - 1]!
  assert.is(last.unknown, 0, 'every device has a fresh status after the first live polls')
  assert.ok(last.total > 200, `the demo city has ${last.total} devices`)

  const q = `fromMs=${stoppedAtMs - 1000}&toMs=${Date.now() + 1000}`
  const downs = await get<{ events: { device: string; timeMs: number; detail: string }[] }>(`${url}/api/events?type=deviceDown&${q}`, token)
  assert.equal(downs.events, [], 'no deviceDown event in the restart')
  const ups = await get<{ events: { device: string; timeMs: number; detail: string }[] }>(`${url}/api/events?type=deviceUp&${q}`, token)
  assert.equal(ups.events.slice(0, 5), [], 'no deviceUp event in the restart (nothing was down)')
  const incidents = await get<{ incidents: unknown[] }>(`${url}/api/incidents`, token)
  assert.equal(incidents.incidents, [], 'no incident opened by the restart')
  // both station sources read in the second run before it stops (bounded: a loaded machine
  // can make a controller round slow)
  for (const until = Date.now() + 60_000; ; await sleep(500)) {
    const { devices } = await get<{ devices: Device[] }>(`${url}/api/devices`, token)
    const polled = ['wlc-1', 'unifi-1'].map((id) => devices.find((d) => d.id === id)?.lastPollMs ?? 0)
    if (polled.every((t) => t > stoppedAtMs)) break
    assert.ok(Date.now() < until, `the station sources were not read after the restart: ${polled.join(', ')}`)
  }

  assert.is(await demo.stop(), 0, `second run did not stop cleanly: ${demo.stopReport()}`)
  ctx.running = null

  // the same digest keys on both sides of the restart (a new one only where a local day or
  // quarter began in between)
  const keysAfter = await keyIds(ctx.dataDir)
  for (const [k, before] of keysBefore) {
    const after = keysAfter.get(k)!
    // station_key is one sample per source and minute: a restart inside the minute rewrites it
    assert.ok(after.timeMs >= before.timeMs, `${k}: read again after the restart`)
    const [a, b] = [localDate(before.timeMs, 'America/New_York'), localDate(after.timeMs, 'America/New_York')]
    const samePeriod = k.endsWith(' day') ? a === b : `${a.slice(0, 4)}Q${Math.ceil(Number(a.slice(5, 7)) / 3)}` === `${b.slice(0, 4)}Q${Math.ceil(Number(b.slice(5, 7)) / 3)}`
    if (samePeriod) assert.is(after.id, before.id, `${k}: the same key id after the restart`)
    else assert.is.not(after.id, before.id, `${k}: a new period, a new key`)
  }
  assert.equal(readdirSync(join(ctx.dataDir, 'keys')).sort().map((f) => f.replace(/\d{4}-\d{2}-\d{2}|\d{4}Q\d/, 'P')), ['day-P.key', 'quarter-P.key'], 'only the open periods\' keys are on disk')
})

test.run()
