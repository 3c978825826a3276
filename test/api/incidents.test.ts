/**
 * GET /api/incidents, /api/incidents/:id, POST .../ack and .../notes over the real app and an
 * app-state database holding incidents made by incidents/store.ts: what each answers, and
 * every bad input a 4xx in the project's error shape naming what is wrong.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openIncidentStore } from '../../incidents/store.ts'
import { T, bearer, harness, type Harness } from './support.ts'

const test = suite<{ h: Harness; open: number; closed: number }>('incidents API', {} as { h: Harness; open: number; closed: number })
test.before(async (ctx) => {
  ctx.h = await harness()
  const store = openIncidentStore(ctx.h.appState.db)
  const group = (id: string, kind: 'device' | 'link', devices: string[]) => ({ rootCause: { kind, id, probable: false, why: `${id} test` }, top: devices[0]!, devices, aps: devices.filter((d) => d.startsWith('ap-')), neighborhoods: ['north'] })
  // one incident opened and closed an hour before T, one open since 10 min before T
  store.update([group('ap-2', 'device', ['ap-2'])], T - 3_600_000)
  store.update([], T - 3_000_000, { recoveredMs: () => T - 3_000_000 })
  store.update([group('fib-1', 'link', ['sw-1', 'ap-1'])], T - 600_000)
  ctx.closed = store.list({ state: 'closed' })[0]!.id
  ctx.open = store.list({ state: 'open' })[0]!.id
})
test.after(async (ctx) => ctx.h.close())

const get = (h: Harness, url: string, role: 'engineer' | 'admin' = 'engineer') => h.app.inject({ method: 'GET', url, headers: bearer(h.tokens[role]) })
const post = (h: Harness, url: string, payload?: object) => h.app.inject({ method: 'POST', url, headers: bearer(h.tokens.engineer), ...(payload ? { payload } : {}) })

test('the list: newest first, by state, and those open at some time in a range', async ({ h, open, closed }) => {
  const all = (await get(h, '/api/incidents')).json()
  assert.equal(all.incidents.map((i: { id: number }) => i.id), [open, closed])
  const o = all.incidents[0]
  assert.equal([o.state, o.openedMs, o.closedMs, o.rootCause, o.down, o.affected], ['open', T - 600_000, null, { kind: 'link', id: 'fib-1', probable: false, why: 'fib-1 test' }, ['sw-1', 'ap-1'], { devices: ['sw-1', 'ap-1'], aps: ['ap-1'], neighborhoods: ['north'] }])
  assert.equal((await get(h, '/api/incidents?state=closed')).json().incidents.map((i: { id: number }) => i.id), [closed])
  assert.equal((await get(h, '/api/incidents?state=open')).json().incidents.map((i: { id: number }) => i.id), [open])
  // the closed one lasted [T-1h, T-50min)
  assert.equal((await get(h, `/api/incidents?fromMs=${T - 3_100_000}&toMs=${T - 3_000_000}`)).json().incidents.map((i: { id: number }) => i.id), [closed])
  assert.equal((await get(h, `/api/incidents?fromMs=${T - 2_000_000}&toMs=${T}`)).json().incidents.map((i: { id: number }) => i.id), [open])
})

test('one incident, acknowledged and noted: the history keeps who and what', async ({ h, open }) => {
  const ack = await post(h, `/api/incidents/${open}/ack`)
  assert.is(ack.statusCode, 200)
  assert.equal(ack.json().acknowledged, { by: "engineer 'test engineer'", atMs: T })
  const note = await post(h, `/api/incidents/${open}/notes`, { text: 'splice crew on site\nETA 2 h' })
  assert.is(note.statusCode, 200)
  const one = (await get(h, `/api/incidents/${open}`)).json()
  assert.equal(one.history.map((x: { kind: string; actor: string | null; text: string }) => [x.kind, x.actor, x.kind === 'opened' ? '' : x.text]), [
    ['opened', null, ''],
    ['ack', "engineer 'test engineer'", 'acknowledged'],
    ['note', "engineer 'test engineer'", 'splice crew on site\nETA 2 h'],
  ])
})

test('each answer carries its SLA clock at the API\'s now: the cut is critical (4 h), breached only once past its due time', async ({ h, open, closed }) => {
  const at = async () => (await get(h, `/api/incidents/${open}`)).json().sla
  assert.equal(await at(), { severity: 'critical', targetMs: 4 * 3_600_000, dueMs: T - 600_000 + 4 * 3_600_000, elapsedMs: 600_000, remainingMs: 4 * 3_600_000 - 600_000, breached: false })
  const due = T - 600_000 + 4 * 3_600_000
  try {
    h.clock.set(due)
    assert.equal([(await at()).remainingMs, (await at()).breached], [0, false])
    h.clock.set(due + 1)
    assert.equal([(await at()).remainingMs, (await at()).breached], [-1, true])
  } finally {
    h.clock.set(T)
  }
  // the closed one (one AP, minor: 24 h) ran 10 minutes
  assert.equal((await get(h, `/api/incidents/${closed}`)).json().sla, { severity: 'minor', targetMs: 24 * 3_600_000, dueMs: T - 3_600_000 + 24 * 3_600_000, elapsedMs: 600_000, remainingMs: null, breached: false })
})

test('an expected restore time: set, shown, kept in the history, cleared; never in the past, never on a closed incident', async ({ h, open, closed }) => {
  const set = await post(h, `/api/incidents/${open}/eta`, { restoreByMs: T + 7_200_000 })
  assert.is(set.statusCode, 200, set.body)
  assert.is(set.json().expectedRestoreMs, T + 7_200_000)
  assert.equal(set.json().history.at(-1), { timeMs: T, kind: 'eta', actor: "engineer 'test engineer'", text: `service expected back by ${new Date(T + 7_200_000).toISOString()}` })
  assert.is((await get(h, `/api/incidents/${open}`)).json().expectedRestoreMs, T + 7_200_000)
  const past = await post(h, `/api/incidents/${open}/eta`, { restoreByMs: T })
  assert.equal([past.statusCode, past.json().code, past.json().message], [400, 'CN_ERR_BAD_RANGE', `bad time range: restoreByMs (${T}) must be in the future (now is ${T})`])
  const far = await post(h, `/api/incidents/${open}/eta`, { restoreByMs: T + 91 * 86_400_000 })
  assert.equal([far.statusCode, far.json().code], [400, 'CN_ERR_BAD_RANGE'])
  const shut = await post(h, `/api/incidents/${closed}/eta`, { restoreByMs: T + 3_600_000 })
  assert.equal([shut.statusCode, shut.json().code, shut.json().message], [409, 'CN_ERR_INCIDENT_CLOSED', `incident ${closed} is closed: service is back, there is no restore time to expect`])
  const bad = await post(h, `/api/incidents/${open}/eta`, { restoreByMs: 'soon' })
  assert.is(bad.statusCode, 400)
  assert.is((await get(h, `/api/incidents/${open}`)).json().expectedRestoreMs, T + 7_200_000, 'nothing changed by a refused request')
  const cleared = await post(h, `/api/incidents/${open}/eta`, { restoreByMs: null })
  assert.equal([cleared.statusCode, cleared.json().expectedRestoreMs, cleared.json().history.at(-1).text], [200, null, 'expected restore time cleared'])
})

test('bad input: each a 4xx naming what is wrong', async ({ h }) => {
  const cases: [string, string, object | undefined, number, string, RegExp][] = [
    ['GET', '/api/incidents/999', undefined, 404, 'CN_ERR_INCIDENT_NOT_FOUND', /incident '999' not found \(field 'id'\)/],
    ['GET', '/api/incidents/abc', undefined, 400, 'CN_ERR_VALIDATION', /params\.id must be an incident id \(digits\)/],
    ['GET', '/api/incidents/1234567890123456', undefined, 400, 'CN_ERR_VALIDATION', /params\.id/],
    ['GET', '/api/incidents?state=pending', undefined, 400, 'CN_ERR_VALIDATION', /querystring\.state/],
    ['GET', `/api/incidents?fromMs=${T}&toMs=${T - 1}`, undefined, 400, 'CN_ERR_BAD_RANGE', /toMs .* must be after fromMs/],
    ['GET', '/api/incidents?limit=5', undefined, 400, 'CN_ERR_VALIDATION', /querystring has unknown field 'limit'/],
    ['POST', '/api/incidents/999/ack', undefined, 404, 'CN_ERR_INCIDENT_NOT_FOUND', /incident '999'/],
    ['POST', '/api/incidents/1/notes', {}, 400, 'CN_ERR_VALIDATION', /body\.text is required/],
    ['POST', '/api/incidents/1/notes', { text: '' }, 400, 'CN_ERR_VALIDATION', /body\.text/],
    ['POST', '/api/incidents/1/notes', { text: 'a\u0000b' }, 400, 'CN_ERR_VALIDATION', /body\.text must be 1 to 2000 characters with no control characters but newlines/],
    ['POST', '/api/incidents/1/notes', { text: 'x'.repeat(2001) }, 400, 'CN_ERR_VALIDATION', /body\.text/],
    ['POST', '/api/incidents/1/notes', { text: 'ok', extra: 1 }, 400, 'CN_ERR_VALIDATION', /body has unknown field 'extra'/],
  ]
  for (const [method, url, payload, status, code, message] of cases) {
    const res = method === 'GET' ? await get(h, url) : await post(h, url, payload)
    assert.is(res.statusCode, status, `${method} ${url}: ${res.body}`)
    assert.is(res.json().code, code, `${method} ${url}`)
    assert.match(res.json().message, message, `${method} ${url}: ${res.json().message}`)
  }
  // nothing stored changed: still two incidents, the history of each as it was
  assert.is((await get(h, '/api/incidents')).json().incidents.length, 2)
})

test.run()
