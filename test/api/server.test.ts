import { connect, createServer } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApiServer } from '../../api/server.ts'
import { harness, type Harness } from './support.ts'

const test = suite<{ h: Harness }>('api/server', {} as { h: Harness })
test.before(async (ctx) => {
  ctx.h = await harness()
})
test.after(async (ctx) => {
  await ctx.h.close()
})

test('listens on a free loopback port, answers over HTTP, and stops', async ({ h }) => {
  const server = createApiServer({ host: '127.0.0.1', port: 0, webDir: null }, { store: h.store, appState: h.appState, clock: h.clock, log: (await import('pino')).default({ level: 'silent' }) })
  assert.is(server.app, null)
  const url = await server.start()
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${url}/api/neighborhoods`)
    assert.is(res.status, 200)
    assert.is((await res.json()).features[0].properties.clientsNow, 19)
  } finally {
    await server.stop()
  }
  assert.is(server.app, null)
  await assert.not.throws(async () => server.stop())
})

test('stops with a connection open that never sent a request (a browser preconnect): closed by the server after the grace period', async ({ h }) => {
  const server = createApiServer({ host: '127.0.0.1', port: 0, webDir: null }, { store: h.store, appState: h.appState, clock: h.clock, log: (await import('pino')).default({ level: 'silent' }) })
  const url = new URL(await server.start())
  const socket = connect(Number(url.port), '127.0.0.1')
  await new Promise<void>((r) => socket.once('connect', () => r()))
  const closedByServer = new Promise<boolean>((r) => socket.once('close', () => r(true)))
  // the stop must end by itself; without the forced close it waits for Node's request timeout (300 s)
  const stopped = await Promise.race([server.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still waiting after 15 s'), 15_000).unref())])
  assert.is(stopped, 'stopped')
  assert.is(await closedByServer, true)
})

test('says which port is taken when it cannot bind', async ({ h }) => {
  const blocker = createServer()
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
  const port = (blocker.address() as { port: number }).port
  const server = createApiServer({ host: '127.0.0.1', port, webDir: null }, { store: h.store, appState: h.appState, clock: h.clock, log: (await import('pino')).default({ level: 'silent' }) })
  try {
    await server.start()
    assert.unreachable('start should fail')
  } catch (err) {
    assert.is((err as Error).message, `port ${port} on 127.0.0.1 is in use: set PORT to another port`)
  } finally {
    blocker.close()
  }
  assert.is(server.app, null)
})

test.run()
