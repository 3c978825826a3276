/**
 * No raw client MAC anywhere: the real demo (`civicnet demo` in a child process: the
 * simulated Hartford over SNMP, the collector, the store, the API) runs a day of history and
 * some live polls; then every place a MAC could end up is searched for every client MAC the
 * simulator has, in the notations colon, dash, dot (aabb.ccdd.eeff) and bare hex, upper and
 * lower case: the store's files (bytes) and its contents (every table, or every
 * measurement, dumped as text), the app-state SQLite file and its contents, the demo's
 * stdout and stderr (debug level), the spool dir and rejected.jsonl, and the answer of every
 * route /docs/json lists, asked with the admin token. Shared by no-raw-mac-duckdb.test.ts
 * and no-raw-mac-influx.test.ts.
 */
import * as assert from 'uvu/assert'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { localDate, nextDate } from '../../core/calendar.ts'
import type { Inventory } from '../../core/inventory.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { FaultBook } from '../../simulators/faults.ts'
import { DEFAULT_MODEL_OPTIONS, createModel } from '../../simulators/model.ts'

/** Every client MAC of the simulated Hartford of this seed (the model's whole client pools), as 12 lower-case hex digits. */
export function simulatorMacs(seed: number): { macs: Set<string>; inventory: Inventory } {
  const inventory = hartfordInventory(seed)
  const model = createModel(inventory, { ...DEFAULT_MODEL_OPTIONS, seed, originMs: 0, timezone: inventory.city.timezone }, new FaultBook(() => true))
  return { macs: new Set(model.clients.map((c) => c.mac.replace(/[^0-9a-f]/gi, '').toLowerCase())), inventory }
}

export interface MacScanner {
  /** searches one text (or file's bytes, read as latin1); records where a MAC was found */
  scan(where: string, text: string | Buffer): void
  /** where MACs were found: 'where: notation' (the MAC itself is not printed) */
  hits(): string[]
  /** bytes and texts scanned */
  scanned(): { texts: number; bytes: number }
}

export function createMacScanner(macs: Set<string>): MacScanner {
  const hits: string[] = []
  const st = { texts: 0, bytes: 0 }
  const found = (where: string, form: string, hex: string) => {
    if (macs.has(hex.toLowerCase()) && hits.length < 50) hits.push(`${where}: ${form}`)
  }
  return {
    scan(where, input) {
      const text = typeof input === 'string' ? input : input.toString('latin1')
      st.texts++
      st.bytes += text.length
      // aa:bb:cc:dd:ee:ff and aa-bb-cc-dd-ee-ff, overlapping (a MAC inside a longer run counts)
      for (const m of text.matchAll(/(?=([0-9a-f]{2}([:-])[0-9a-f]{2}(?:\2[0-9a-f]{2}){4}))/gi)) found(where, m[2] === ':' ? 'colon' : 'dash', m[1]!.replace(/[:-]/g, ''))
      for (const m of text.matchAll(/(?=([0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}))/gi)) found(where, 'dot', m[1]!.replace(/\./g, ''))
      // bare hex: every 12-digit window of every run of hex digits (digests included)
      for (const m of text.matchAll(/[0-9a-f]{12,}/gi)) {
        const run = m[0]
        for (let i = 0; i + 12 <= run.length; i++) found(where, 'bare hex', run.slice(i, i + 12))
      }
    },
    hits: () => hits,
    scanned: () => ({ ...st }),
  }
}

/** Every file under a directory, recursively. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...filesUnder(p))
    else out.push(p)
  }
  return out
}

/** Scans every file under a directory as bytes; returns how many were scanned. */
export function scanFiles(scanner: MacScanner, dir: string, label: string): number {
  const files = filesUnder(dir)
  for (const f of files) scanner.scan(`${label}/${f.slice(dir.length + 1)}`, readFileSync(f))
  return files.length
}

/**
 * Asks every route /docs/json lists, with the admin token: GET routes with each path id the
 * inventory has (every device, neighborhood, link, report run) and the query parameters
 * that give them data; the others with bodies that are refused or harmless (no token of ours
 * revoked). Returns [what was asked, its status and body] for each.
 */
export async function askEveryRoute(baseUrl: string, token: string, inventory: Inventory, range: { fromMs: number; toMs: number }): Promise<{ asked: string; status: number; body: string }[]> {
  const headers = { authorization: `Bearer ${token}` }
  const out: { asked: string; status: number; body: string }[] = []
  const ask = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    out.push({ asked: `${method} ${path}`, status: res.status, body: await res.text() })
    return out.at(-1)!
  }
  const docRes = await ask('GET', '/docs/json')
  assert.is(docRes.status, 200, '/docs/json')
  const doc = JSON.parse(docRes.body) as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> }
  const tz = inventory.city.timezone
  const lastDay = localDate(range.toMs, tz)
  const firstDay = localDate(range.fromMs, tz)
  const metrics = (JSON.parse((await ask('GET', '/api/meta')).body) as { metrics?: { name: string }[] }).metrics?.map((m) => m.name) ?? ['wifi_clients']
  const served = inventory.neighborhoods.filter((n) => n.served).map((n) => n.id)
  const time = `fromMs=${range.fromMs}&toMs=${range.toMs}`
  const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => [m.toUpperCase(), path] as const))
  const seenRoutes = new Set<string>()
  for (const [method, path] of routes) {
    seenRoutes.add(`${method} ${path}`)
    if (method === 'GET') {
      if (path === '/api/devices/{id}') for (const d of inventory.devices) await ask('GET', `/api/devices/${d.id}`)
      else if (path === '/api/neighborhoods/{id}') for (const n of inventory.neighborhoods) await ask('GET', `/api/neighborhoods/${n.id}?${time}`)
      else if (path === '/api/links/{id}') for (const l of inventory.links) await ask('GET', `/api/links/${l.id}`)
      else if (path === '/api/series') {
        for (const metric of metrics) {
          for (const n of served) await ask('GET', `/api/series?metric=${metric}&neighborhood=${n}&${time}&stepMs=3600000`)
          for (const d of ['wlc-1', inventory.devices.find((x) => x.controller)?.id, inventory.devices.find((x) => x.kind === 'ap' && !x.controller)?.id]) {
            if (d) await ask('GET', `/api/series?metric=${metric}&device=${d}&${time}&stepMs=3600000`)
          }
        }
      } else if (path === '/api/events') await ask('GET', `/api/events?${time}&limit=1000`)
      else if (path === '/api/neighborhoods') {
        await ask('GET', `/api/neighborhoods?${time}`)
        await ask('GET', '/api/neighborhoods?geometry=false')
      } else if (path === '/api/reports') {
        for (const q of [`from=${firstDay}&to=${nextDate(lastDay)}`, `from=${firstDay}&to=${lastDay}&neighborhoods=${served.join(',')}`, `from=${firstDay}&to=${lastDay}&format=csv`, 'quarter=2026Q4', `year=${lastDay.slice(0, 4)}`]) await ask('GET', `/api/reports?${q}`)
      } else if (path === '/api/reports/runs/{id}') {
        const runs = out.filter((o) => o.asked.startsWith('GET /api/reports/runs') && o.status === 200).flatMap((o) => {
          try {
            const j = JSON.parse(o.body) as { runs?: { id: string | number }[] } | { id: string | number }[]
            return (Array.isArray(j) ? j : j.runs ?? []).map((r) => String(r.id))
          } catch {
            return []
          }
        })
        for (const id of [...new Set(runs)].slice(0, 20)) await ask('GET', `/api/reports/runs/${id}`)
        await ask('GET', '/api/reports/runs/1')
      } else if (!path.includes('{')) await ask('GET', path)
      else await ask('GET', path.replace(/\{[^}]+\}/g, 'no-such-id'))
    } else if (method === 'DELETE') await ask('DELETE', path.replace(/\{[^}]+\}/g, 'no-such-id'))
    else {
      await ask(method, path, {})
      if (path === '/api/tokens') await ask(method, path, { role: 'analyst', label: 'no-raw-mac test' })
    }
  }
  // /api/reports/runs after the reports were asked (a run may have been recorded)
  if (seenRoutes.has('GET /api/reports/runs')) await ask('GET', '/api/reports/runs')
  assert.ok(routes.length >= 15, `${routes.length} routes in /docs/json`)
  return out
}
