import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as errors from '../../api/errors.ts'
import { bearer, harness, type Harness } from './support.ts'

const test = suite<{ h: Harness }>('errors, docs and static files', {} as { h: Harness })
test.before(async (ctx) => {
  ctx.h = await harness()
})
test.after(async (ctx) => {
  await ctx.h.close()
})

test('docs/errors.md lists exactly the codes api/errors.ts makes, each with how to solve it', async () => {
  const md = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  const sections = md.split(/^## /m).slice(1)
  const documented = sections.map((s) => s.split('\n')[0]!.trim()).sort()
  const made = Object.keys(errors).filter((k) => k.startsWith('CN_ERR_')).sort()
  assert.equal(documented, made)
  for (const s of sections) {
    const [code, ...body] = s.split('\n')
    const text = body.join(' ').trim()
    const E = (errors as Record<string, new (...a: unknown[]) => { statusCode?: number }>)[code!.trim()]!
    assert.ok(text.startsWith(`${new E('x', 'y', 'z').statusCode}`), `${code}: the section starts with its status code`)
    assert.ok(text.length > 60, `${code}: the section says how to solve it`)
  }
})

test('every error constructor makes its own code', () => {
  for (const [name, E] of Object.entries(errors)) {
    const e = new (E as new (...a: unknown[]) => { code: string; statusCode: number })('a', 'b', 'c')
    assert.is(e.code, name)
    assert.ok(e.statusCode >= 400 && e.statusCode < 600)
  }
})

test('answers an unknown API path with 404 CN_ERR_ROUTE_NOT_FOUND, and a trailing slash like none', async ({ h }) => {
  let res = await h.app.inject({ method: 'GET', url: '/api/nope?x=1' })
  assert.equal(res.json(), { statusCode: 404, code: 'CN_ERR_ROUTE_NOT_FOUND', error: 'Not Found', message: 'no route GET /api/nope (the list is at /docs)' })
  res = await h.app.inject({ method: 'GET', url: '/api/neighborhoods/' })
  assert.is(res.statusCode, 200)
})

test('serves the OpenAPI document and the Swagger UI at /docs', async ({ h }) => {
  const doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json()
  assert.is(doc.openapi, '3.0.3')
  assert.equal(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' })
  assert.ok(doc.paths['/api/neighborhoods'].get.responses['200'])
  const ui = await h.app.inject({ method: 'GET', url: '/docs' })
  assert.ok(ui.statusCode === 200 || ui.statusCode === 302, String(ui.statusCode))
})

test('hides the cause of a 5xx from the answer and writes it to the log', async () => {
  const h = await harness()
  try {
    await h.store.close()
    const res = await h.app.inject({ method: 'GET', url: '/api/devices', headers: bearer(h.tokens.engineer) })
    assert.equal(res.json(), { statusCode: 500, code: 'CN_ERR_INTERNAL', error: 'Internal Server Error', message: 'Internal Server Error' })
    const logged = h.logs.find((l) => l.msg === 'request failed') as { level: number; err: { message: string }; reqId: string }
    assert.ok(logged, 'an error line is logged')
    assert.is(logged.level, 50)
    assert.ok(logged.err.message.length > 0)
    assert.not.match(res.body, logged.err.message)
  } finally {
    await h.close()
  }
})

test('serves the web build at / when it exists, with index.html for page paths', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-web-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>CivicNet</title>')
  writeFileSync(join(dir, 'app.js'), 'console.log(1)')
  const h = await harness({ webDir: dir })
  try {
    let res = await h.app.inject({ method: 'GET', url: '/' })
    assert.equal([res.statusCode, res.body], [200, '<!doctype html><title>CivicNet</title>'])
    res = await h.app.inject({ method: 'GET', url: '/app.js' })
    assert.equal([res.statusCode, res.body], [200, 'console.log(1)'])
    res = await h.app.inject({ method: 'GET', url: '/report' })
    assert.equal([res.statusCode, res.body], [200, '<!doctype html><title>CivicNet</title>'])
    res = await h.app.inject({ method: 'GET', url: '/missing.js' })
    assert.is(res.statusCode, 404)
    // a page of its own (web/build.mjs PAGES) is served for its path once it is built
    writeFileSync(join(dir, 'report.html'), '<!doctype html><title>Report</title>')
    for (const url of ['/report', '/report/', '/report?quarter=2026Q3']) {
      res = await h.app.inject({ method: 'GET', url })
      assert.equal([res.statusCode, res.body], [200, '<!doctype html><title>Report</title>'], url)
    }
    res = await h.app.inject({ method: 'GET', url: '/reports' })
    assert.equal([res.statusCode, res.body], [200, '<!doctype html><title>CivicNet</title>'], 'another path is the map')
    res = await h.app.inject({ method: 'GET', url: '/api/nope' })
    assert.is(res.json().code, 'CN_ERR_ROUTE_NOT_FOUND')
  } finally {
    await h.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
