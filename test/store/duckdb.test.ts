import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DuckDBInstance } from '@duckdb/node-api'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { StoreUnavailableError } from '../../store/query.ts'
import { contractSuite } from './contract.ts'

contractSuite('duckdb', () => openDuckDbStore({ path: ':memory:' })).run()

const lock = suite('DuckDB file held by another process')

lock('gives a clear error naming the file and the pid, not a lock trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-duck-'))
  const file = join(dir, 'metrics.duckdb')
  // a real second process opens the file read-write and holds it
  const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
    import { openDuckDbStore } from ${JSON.stringify(new URL('../../store/duckdb/index.ts', import.meta.url).href)}
    const s = await openDuckDbStore({ path: ${JSON.stringify(file)} })
    await s.init()
    console.log('ready')
    setInterval(() => {}, 1000)
  `], { stdio: ['ignore', 'pipe', 'inherit'], cwd: new URL('../..', import.meta.url).pathname })
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve())
      holder.once('exit', (code) => reject(new Error(`holder exited with ${code}`)))
    })
    try {
      await openDuckDbStore({ path: file })
      assert.unreachable('the second open should fail')
    } catch (err) {
      assert.instance(err, StoreUnavailableError)
      assert.is((err as Error).message,
        `DuckDB file ${file} is in use by another process (pid ${holder.pid}?) — on the embedded store run the collector and API in one process (npm start / civicnet demo); use InfluxDB for separate processes`)
    }
  } finally {
    holder.kill('SIGKILL')
    await new Promise((r) => holder.exitCode !== null || holder.signalCode !== null ? r(null) : holder.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
})

lock('reopens a file after the first store closed it, keeping the data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-duck-'))
  const file = join(dir, 'sub', 'metrics.duckdb')
  try {
    const a = await openDuckDbStore({ path: file })
    await a.init()
    await a.write([{ metric: 'm', device: 'd', neighborhood: 'n', instance: '', value: 2.5, timeMs: 1000 }])
    await a.close()
    const b = await openDuckDbStore({ path: file })
    await b.init()
    assert.equal(await b.latest({ metric: 'm' }), [{ device: 'd', neighborhood: 'n', instance: '', value: 2.5, timeMs: 1000 }])
    // a replay after the restart replaces the stored sample instead of adding a row
    await b.write([{ metric: 'm', device: 'd', neighborhood: 'n', instance: '', value: 4, timeMs: 1000 }])
    assert.equal(await b.aggregate({ metric: 'm', groupBy: 'device', fn: 'count', fromMs: 0, toMs: 60_000, stepMs: 60_000 }), [{ group: 'd', timeMs: 0, value: 1 }])
    assert.equal(await b.latest({ metric: 'm' }), [{ device: 'd', neighborhood: 'n', instance: '', value: 4, timeMs: 1000 }])
    await b.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

const legacy = suite('DuckDB file from an earlier version')

legacy('keeps one row per key, the last appended, in a file written before samples were unique', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-duck-'))
  const file = join(dir, 'metrics.duckdb')
  try {
    // the table as the store made it before: no key, and a chunk replayed twice
    const old = await DuckDBInstance.create(file)
    const conn = await old.connect()
    await conn.run(`CREATE TABLE samples (ts BIGINT NOT NULL, metric VARCHAR NOT NULL, device VARCHAR NOT NULL,
      neighborhood VARCHAR NOT NULL, instance VARCHAR NOT NULL, value DOUBLE NOT NULL)`)
    await conn.run(`INSERT INTO samples VALUES (1000, 'm', 'd', 'n', '', 1), (2000, 'm', 'd', 'n', '', 2), (1000, 'm', 'd', 'n', '', 3), (2000, 'm', 'd', 'n', 'x', 5)`)
    conn.closeSync()
    old.closeSync()
    const store = await openDuckDbStore({ path: file })
    await store.init()
    const q = { metric: 'm', groupBy: 'device' as const, fromMs: 0, toMs: 60_000, stepMs: 60_000 }
    assert.equal(await store.aggregate({ ...q, fn: 'count' }), [{ group: 'd', timeMs: 0, value: 3 }])
    assert.equal(await store.aggregate({ ...q, fn: 'sum' }), [{ group: 'd', timeMs: 0, value: 10 }]) // 3 + 2 + 5
    await store.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

lock.run()
legacy.run()
