/**
 * The backend the browser tests run against: the integrator's full demo (simulator +
 * collector + API, test/support/demo.ts `startDemo()`) when it exists; until then the real
 * API (api/app.ts buildApp) on a real DuckDB store filled with a day of samples for the
 * seeded Hartford inventory, listening on 127.0.0.1 and serving web/dist.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { manualClock } from '../../core/clock.ts'
import type { Sample } from '../../core/metrics.ts'
import { ensureWebBuilt } from './web-server.ts'

export interface WebBackend {
  /** origin serving the page at / and the API at /api */
  baseUrl: string
  /** an admin API token (sees what engineers see, and makes staff accounts: test/support/staff-session.ts) */
  token: string
  /** 'demo' (simulator + collector) or 'samples' (API on a store filled by the harness) */
  kind: 'demo' | 'samples'
  /** the collector's poll interval behind this backend (ms); null where nothing polls */
  pollIntervalMs: number | null
  /** makes one AP stop answering; resolves once the API reports it down (undefined when the backend cannot) */
  failAp?: (id: string) => Promise<void>
  /** cuts a fiber link in the simulator; resolves with the function that repairs it (undefined when the backend cannot) */
  cutLink?: (id: string) => Promise<() => Promise<void>>
  close(): Promise<void>
}

/** CIVICNET_WEB_DEMO_MODULE points at another module with the same startDemo() (trying a demo variant). */
const DEMO = process.env.CIVICNET_WEB_DEMO_MODULE ? new URL(`file://${process.env.CIVICNET_WEB_DEMO_MODULE}`) : new URL('./demo.ts', import.meta.url)

export async function startWebBackend(): Promise<WebBackend> {
  await ensureWebBuilt()
  if (existsSync(DEMO) && process.env.CIVICNET_WEB_BACKEND !== 'samples') {
    const mod = (await import(DEMO.href)) as { startDemo: (opts?: Record<string, unknown>) => Promise<Record<string, unknown>> }
    const demo = await mod.startDemo({})
    const baseUrl = String(demo.baseUrl ?? demo.url)
    const token = String(demo.token ?? demo.engineerToken)
    const stop = (demo.close ?? demo.stop) as () => Promise<void>
    const inject = demo.failAp ?? demo.apDown
    const controlUrl = typeof demo.controlUrl === 'string' ? demo.controlUrl : null
    let failAp: WebBackend['failAp']
    if (typeof inject === 'function') failAp = (id) => (inject as (id: string) => Promise<void>).call(demo, id)
    else if (controlUrl) failAp = (id) => failApThroughControl(baseUrl, token, controlUrl, id)
    const pollIntervalMs = typeof demo.pollIntervalMs === 'number' ? demo.pollIntervalMs : null
    const cutLink = controlUrl ? (id: string) => cutLinkThroughControl(controlUrl, id) : undefined
    return { baseUrl, token, kind: 'demo', pollIntervalMs, failAp, ...(cutLink ? { cutLink } : {}), close: () => stop.call(demo) }
  }
  return startSampleBackend()
}

/** Cuts a fiber link through the simulator's control API; the returned function ends the cut. */
async function cutLinkThroughControl(controlUrl: string, id: string): Promise<() => Promise<void>> {
  const res = await fetch(`${controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'link-cut', link: id }) })
  if (!res.ok) throw new Error(`simulator control: POST /faults link-cut ${id} answered ${res.status} ${await res.text()}`)
  const fault = (await res.json()) as { id: string }
  return async () => {
    const r = await fetch(`${controlUrl}/faults/${encodeURIComponent(fault.id)}`, { method: 'DELETE' })
    if (!r.ok) throw new Error(`simulator control: DELETE /faults/${fault.id} answered ${r.status}`)
  }
}

/**
 * Makes an AP of the simulated city stop answering through the simulator's control API
 * (POST /faults {type: 'device-down'}), then waits until the API reports it down.
 */
async function failApThroughControl(baseUrl: string, token: string, controlUrl: string, id: string, timeoutMs = 180_000): Promise<void> {
  const res = await fetch(`${controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'device-down', device: id }) })
  if (!res.ok) throw new Error(`simulator control: POST /faults for ${id} answered ${res.status} ${await res.text()}`)
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const r = await fetch(`${baseUrl}/api/devices/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}` } })
    if (r.ok && ((await r.json()) as { status?: string }).status === 'down') return
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`AP ${id} was not reported down by the API within ${timeoutMs} ms of the fault`)
}


export async function startSampleBackend(): Promise<WebBackend> {
  const { buildApp } = await import('../../api/app.ts')
  const { createToken } = await import('../../api/auth/tokens.ts')
  const { openDuckDbStore } = await import('../../store/duckdb/index.ts')
  const { openAppState, ensureInventory } = await import('../../store/app-state.ts')
  const { hartfordInventory, mulberry32 } = await import('../../provisioning/city/hartford.ts')

  const dir = mkdtempSync(join(tmpdir(), 'civicnet-web-'))
  const pollMs = 60_000
  // A whole minute, so the API's per-minute caches start on a fresh bucket.
  const nowMs = Math.floor(Date.UTC(2026, 10, 24, 15, 0, 30) / pollMs) * pollMs + 30_000
  const clock = manualClock(nowMs)
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  const appState = openAppState(join(dir, 'state.sqlite'))
  const cleanup: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true }), () => appState.close(), () => store.close()]
  try {
    ensureInventory(appState, () => hartfordInventory())
    const inv = appState.inventory()
    const nbOf = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
    const rng = mulberry32(11)
    const aps = inv.devices.filter((d) => d.kind === 'ap')
    // Every 10th AP is down now (its newest device_up is 0); everything else answers.
    const downNow = new Set(aps.filter((_, i) => i % 10 === 3).map((d) => d.id))
    const samples: Sample[] = []
    const stepMs = 15 * 60_000
    const dayStart = nowMs - 24 * 3600_000
    for (const d of inv.devices) {
      const neighborhood = nbOf.get(d.site) ?? ''
      const base = 5 + Math.floor(rng() * 20)
      for (let t = dayStart; t <= nowMs - 30_000; t += stepMs) {
        const last = t + stepMs > nowMs - 30_000
        const time = last ? nowMs - 30_000 : t
        const up = last && downNow.has(d.id) ? 0 : 1
        samples.push({ metric: 'device_up', device: d.id, neighborhood, instance: '', value: up, timeMs: time })
        if (d.kind !== 'ap') continue
        const hour = new Date(time).getUTCHours()
        const diurnal = 0.35 + 0.65 * Math.max(0, Math.sin(((hour - 10) / 24) * 2 * Math.PI))
        const clients = up ? Math.round(base * diurnal) : 0
        samples.push({ metric: 'wifi_clients', device: d.id, neighborhood, instance: '', value: clients, timeMs: time })
        samples.push({ metric: 'wifi_bytes', device: d.id, neighborhood, instance: '', value: clients * 3_500_000, timeMs: time })
      }
    }
    await store.write(samples)
    await store.writeEvents(
      [...downNow].map((id, i) => ({ timeMs: nowMs - 30_000 - i * 1000, device: id, neighborhood: nbOf.get(inv.devices.find((d) => d.id === id)!.site) ?? '', type: 'deviceDown', severity: 'critical' as const, detail: 'no answer to 3 polls' })),
    )
    const token = createToken(appState.db, 'admin', 'web browser test')
    const app = await buildApp({ pollIntervalMs: pollMs, logLevel: 'warn' }, { store, appState, clock })
    cleanup.unshift(() => app.close())
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      token,
      kind: 'samples',
      pollIntervalMs: null,
      async failAp(id: string) {
        const d = inv.devices.find((x) => x.id === id)
        if (!d) throw new Error(`failAp: no device '${id}' in the inventory`)
        // The next poll minute: a device_up of 0 for this AP, 1 for every other device.
        const t = clock.now() + pollMs
        clock.set(t)
        const next: Sample[] = inv.devices.map((x) => ({
          metric: 'device_up',
          device: x.id,
          neighborhood: nbOf.get(x.site) ?? '',
          instance: '',
          value: x.id === id || downNow.has(x.id) ? 0 : 1,
          timeMs: t - 30_000,
        }))
        await store.write(next)
        await store.writeEvents([{ timeMs: t - 30_000, device: id, neighborhood: nbOf.get(d.site) ?? '', type: 'deviceDown', severity: 'critical', detail: 'no answer to 3 polls' }])
      },
      async close() {
        for (const c of cleanup) await Promise.resolve(c()).catch(() => {})
      },
    }
  } catch (err) {
    for (const c of cleanup) await Promise.resolve(c()).catch(() => {})
    throw err
  }
}
