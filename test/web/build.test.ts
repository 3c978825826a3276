/**
 * web/build.mjs: ensureWebBuild() builds only when the build is missing or stale (a source
 * newer than it, other leaflet/uplot versions, another WEB_SOURCEMAP setting), a default
 * build has no source map, and WEB_SOURCEMAP=1 adds one. Built from a copy of the web
 * sources into a temp dir, so the checkout's web/ and web/dist stay untouched.
 */
import { cpSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ensureWebBuild, webBuildStale } from '../../web/build.mjs'

const WEB = fileURLToPath(new URL('../../web/', import.meta.url))

interface Ctx {
  dir: string
  srcDir: string
  outDir: string
  logged: string[]
}
const test = suite<Ctx>('web/build.mjs ensureWebBuild', { dir: '', srcDir: '', outDir: '', logged: [] })

const log = (ctx: Ctx) => ({
  info: (_obj: object, msg: string) => void ctx.logged.push(msg),
  error: (_obj: object, msg: string) => void ctx.logged.push(`error: ${msg}`),
})
const files = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()

test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-webbuild-'))
  ctx.srcDir = join(ctx.dir, 'web')
  ctx.outDir = join(ctx.dir, 'dist')
  cpSync(join(WEB, 'src'), join(ctx.srcDir, 'src'), { recursive: true })
  copyFileSync(join(WEB, 'index.html'), join(ctx.srcDir, 'index.html'))
  copyFileSync(join(WEB, 'styles.css'), join(ctx.srcDir, 'styles.css'))
})

test.after((ctx) => {
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
})

test('a missing build is built, with one log line, and no source map', async (ctx) => {
  const r = await ensureWebBuild({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false, log: log(ctx) })
  assert.ok(r.built, 'built')
  assert.match(r.reason ?? '', /has no build/)
  assert.is(ctx.logged.length, 1, ctx.logged.join('\n'))
  assert.match(ctx.logged[0]!, /^web: built the map in \d+ ms/)
  const out = files(ctx.outDir)
  for (const f of ['index.html', 'main.js', 'report.html', 'report.js', 'styles.css', 'uPlot.min.css', join('leaflet', 'leaflet.css')]) assert.ok(out.includes(f), `${f} in ${out.join(', ')}`)
  assert.equal(out.filter((f) => f.endsWith('.map')), [], 'no .map file')
  assert.not.match(readFileSync(join(ctx.outDir, 'main.js'), 'utf8'), /sourceMappingURL=/)
  assert.not.ok(out.some((f) => f.startsWith('.building-')), 'no temp dir left')
})

test('a current build is left alone', async (ctx) => {
  assert.is(webBuildStale({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false }), null)
  const before = readFileSync(join(ctx.outDir, 'main.js'))
  const r = await ensureWebBuild({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false, log: log(ctx) })
  assert.is(r.built, false)
  assert.is(ctx.logged.length, 1, 'nothing more logged')
  assert.equal(readFileSync(join(ctx.outDir, 'main.js')), before)
})

test('an edited source (web/src/**, index.html, styles.css) makes it stale', async (ctx) => {
  const later = new Date(Date.now() + 5000)
  for (const f of [join('src', 'format.ts'), 'index.html', 'styles.css']) {
    utimesSync(join(ctx.srcDir, f), later, later)
    assert.match(webBuildStale({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false }) ?? '', /changed since the build/, f)
    const r = await ensureWebBuild({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false })
    assert.ok(r.built, `rebuilt after ${f}`)
    assert.is(webBuildStale({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false }), null)
    later.setTime(later.getTime() + 1000)
  }
  // the new page is what the build serves
  writeFileSync(join(ctx.srcDir, 'index.html'), readFileSync(join(ctx.srcDir, 'index.html'), 'utf8').replace('<title>', '<title>EDITED '))
  utimesSync(join(ctx.srcDir, 'index.html'), later, later)
  await ensureWebBuild({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false })
  assert.match(readFileSync(join(ctx.outDir, 'index.html'), 'utf8'), /<title>EDITED /)
})

test('other leaflet/uplot versions than the build was made with make it stale', async (ctx) => {
  const stampPath = join(ctx.outDir, '.build.json')
  const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as { packages: Record<string, string> }
  const lock = JSON.parse(readFileSync(fileURLToPath(new URL('../../package-lock.json', import.meta.url)), 'utf8')) as { packages: Record<string, { version: string }> }
  assert.equal(stamp.packages, { leaflet: lock.packages['node_modules/leaflet']!.version, uplot: lock.packages['node_modules/uplot']!.version })
  writeFileSync(stampPath, JSON.stringify({ ...stamp, packages: { ...stamp.packages, leaflet: '0.7.7' } }))
  assert.match(webBuildStale({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false }) ?? '', /^leaflet 0\.7\.7 -> /)
  assert.ok((await ensureWebBuild({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false })).built)
})

test('a missing output makes it stale', async (ctx) => {
  rmSync(join(ctx.outDir, 'index.html'))
  assert.match(webBuildStale({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false }) ?? '', /index\.html missing/)
  assert.ok((await ensureWebBuild({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false })).built)
  assert.ok(existsSync(join(ctx.outDir, 'index.html')))
})

test('WEB_SOURCEMAP=1 adds a source map; the next default build removes it', async (ctx) => {
  const old = process.env.WEB_SOURCEMAP
  try {
    process.env.WEB_SOURCEMAP = '1'
    assert.match(webBuildStale({ outDir: ctx.outDir, srcDir: ctx.srcDir }) ?? '', /WEB_SOURCEMAP=1/)
    assert.ok((await ensureWebBuild({ outDir: ctx.outDir, srcDir: ctx.srcDir })).built)
    assert.ok(existsSync(join(ctx.outDir, 'main.js.map')), 'main.js.map')
    assert.match(readFileSync(join(ctx.outDir, 'main.js'), 'utf8'), /sourceMappingURL=main\.js\.map/)
    delete process.env.WEB_SOURCEMAP
    assert.ok((await ensureWebBuild({ outDir: ctx.outDir, srcDir: ctx.srcDir })).built)
    assert.equal(files(ctx.outDir).filter((f) => f.endsWith('.map')), [], 'the map of the earlier build is gone')
    assert.not.match(readFileSync(join(ctx.outDir, 'main.js'), 'utf8'), /sourceMappingURL=/)
  } finally {
    if (old === undefined) delete process.env.WEB_SOURCEMAP
    else process.env.WEB_SOURCEMAP = old
  }
})

test('a build that fails is logged, not thrown, when a log is given; thrown without one', async (ctx) => {
  writeFileSync(join(ctx.srcDir, 'src', 'pages', 'map', 'main.ts'), 'this is not TypeScript (')
  const later = new Date(Date.now() + 60_000)
  utimesSync(join(ctx.srcDir, 'src', 'pages', 'map', 'main.ts'), later, later)
  ctx.logged = []
  const r = await ensureWebBuild({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false, log: log(ctx) })
  assert.is(r.built, false)
  assert.ok(r.error, 'the error is returned')
  assert.match(ctx.logged.join('\n'), /^error: web: the map could not be built/)
  assert.ok(existsSync(join(ctx.outDir, 'main.js')), 'the previous build stays')
  try {
    await ensureWebBuild({ outDir: ctx.outDir, srcDir: ctx.srcDir, sourcemap: false })
    assert.unreachable('should have thrown')
  } catch (err) {
    assert.instance(err, Error)
    assert.not.instance(err, assert.Assertion)
  }
})

test.run()
