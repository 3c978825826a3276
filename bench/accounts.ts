/**
 * Accounts benchmark: what signing in and being signed in cost.
 * - scrypt per hash at the default cost (N=2^16, r=8, p=1) against 2^15 (the floor the code
 *   admits) and 2^14 in the same run, median of 5 each: the price of a sign-in's hash;
 * - POST /api/session (a whole password sign-in at the default cost), median of 5;
 * - the guard per request, in-process (app.inject, no sockets), interleaved rounds of a
 *   constant route (GET /api/health): no credential (the baseline), an API token, a session
 *   cookie (SHA-256 of the id, one SQLite read, at most one write per 15 s).
 * Run: node --import tsx bench/accounts.ts
 */
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { createAccounts } from '../accounts/index.ts'
import { hashPassword } from '../accounts/passwords.ts'
import { buildApp } from '../api/app.ts'
import { createToken } from '../api/auth/tokens.ts'
import { manualClock } from '../core/clock.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { openAppState } from '../store/app-state.ts'
import { openDuckDbStore } from '../store/duckdb/index.ts'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function timeIt(f: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await f()
    out.push(performance.now() - t0)
  }
  return out
}

// one hash first: the first call pays for the thread pool and its memory
await hashPassword('warm up', { logN: 14, r: 8, p: 1 }, true)
console.log('scrypt, one hash (median of 5):')
for (const logN of [14, 15, 16]) {
  const ms = median(await timeIt(() => hashPassword('a bench passphrase here', { logN, r: 8, p: 1 }, true), 5))
  console.log(`  N=2^${logN}${logN === 16 ? ' (the default)' : logN === 14 ? ' (baseline: under the floor)' : ' (the floor)'}: ${ms.toFixed(0)} ms`)
}

const appState = openAppState(':memory:')
appState.replaceInventory(hartfordInventory(), 'bench')
const store = await openDuckDbStore({ path: ':memory:' })
await store.init()
const accounts = createAccounts({ db: appState.db, key: randomBytes(32) })
const app = await buildApp({ webDir: null }, { store, appState, clock: manualClock(Date.now()), log: pino({ level: 'silent' }), accounts })
await accounts.addUser({ name: 'bench', address: null }, { username: 'bench', displayName: 'Bench', role: 'analyst', password: 'a bench passphrase here' }, Date.now())
const signIns: string[] = []
const signInMs = await timeIt(async () => {
  const r = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'bench', password: 'a bench passphrase here' } })
  signIns.push(String(r.headers['set-cookie']).split(';')[0]!)
}, 5)
console.log(`POST /api/session at the default cost (median of 5): ${median(signInMs).toFixed(0)} ms`)

const token = createToken(appState.db, 'analyst', 'bench')
const cookie = signIns.at(-1)!
const N = 1000
const ROUNDS = 7
const kinds: [string, Record<string, string>][] = [
  ['no credential (baseline)', {}],
  ['API token (Bearer)', { authorization: `Bearer ${token}` }],
  ['session cookie', { cookie }],
]
for (let i = 0; i < 1000; i++) for (const [, headers] of kinds) await app.inject({ method: 'GET', url: '/api/health', headers })
// rounds interleave the three, so a busy moment of the machine falls on each alike
const perRound = new Map<string, number[]>(kinds.map(([k]) => [k, []]))
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, headers] of kinds) {
    const t0 = performance.now()
    for (let i = 0; i < N; i++) await app.inject({ method: 'GET', url: '/api/health', headers })
    perRound.get(name)!.push(((performance.now() - t0) / N) * 1000)
  }
}
console.log(`the guard, GET /api/health in-process, ${ROUNDS} interleaved rounds of ${N} requests, median round:`)
for (const [name] of kinds) console.log(`  ${name.padEnd(26)} ${median(perRound.get(name)!).toFixed(0)} µs per request`)
await app.close()
await store.close()
appState.close()
