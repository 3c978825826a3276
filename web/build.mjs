#!/usr/bin/env node
// Bundles each page of the web app (web/src/pages/<page>/main.ts, with Leaflet and uPlot)
// into web/dist: the map (pages/map) as main.js beside index.html, every other page as
// <page>.js beside <page>.html (from web/src/pages/<page>/index.html), with the shared CSS
// and Leaflet's images. `node web/build.mjs` or `npm run build:web`
// builds; `ensureWebBuild()` (what `civicnet demo` and `civicnet serve` call before the API
// starts) builds only when web/dist is missing or older than its sources.
// Source maps only with WEB_SOURCEMAP=1: a production build serves none.
import { cpSync, existsSync, mkdirSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const DIST = join(here, 'dist')
/** written last by a build: what it was built from (see ensureWebBuild) */
const STAMP = '.build.json'
/** what a finished build has; a dist missing one of them is rebuilt */
const OUTPUTS = ['main.js', 'index.html', 'report.js', 'report.html', 'operations.js', 'operations.html', 'planning.js', 'planning.html', 'users.js', 'users.html', 'status-pin.js', 'styles.css', 'uPlot.min.css', 'leaflet/leaflet.css']
/** Pages besides the map: web/src/pages/<page>/{main.ts,index.html} -> <page>.js, <page>.html (api/app.ts serves /<page>) */
const PAGES = ['report', 'operations', 'planning', 'users']
/** Scripts that enhance pages the server renders: web/src/pages/<name>/main.ts -> <name>.js (status-pin: the report form's map pin on /status) */
const SCRIPTS = ['status-pin']
/** bundled packages whose version (from package-lock.json) a build depends on */
const BUNDLED = ['leaflet', 'uplot']

const envSourcemap = () => process.env.WEB_SOURCEMAP === '1'
const envMinify = () => process.env.WEB_MINIFY !== '0'

/** Every file below dir, relative to it. */
function filesBelow(dir, base = dir) {
  const out = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...filesBelow(p, base))
    else out.push(relative(base, p))
  }
  return out
}

/**
 * Builds into outDir (default web/dist) from srcDir (default web/: src/pages/*, index.html,
 * styles.css); returns the output directory. The build is made in a temp dir inside outDir
 * and moved in file by file, so a server reading outDir never sees a half-written file and
 * two builds at once do not mix; files of an earlier build that this one did not make (a
 * main.js.map from a WEB_SOURCEMAP=1 build) are removed.
 */
export async function buildWeb({ outDir = DIST, srcDir = here, minify = envMinify(), sourcemap = envSourcemap() } = {}) {
  // imported here: a server whose web/dist is current needs no esbuild (a devDependency)
  const { build } = await import('esbuild')
  const sources = sourceState(srcDir)
  mkdirSync(outDir, { recursive: true })
  const tmp = mkdtempSync(join(outDir, '.building-'))
  try {
    await build({
      entryPoints: {
        main: join(srcDir, 'src/pages/map/main.ts'),
        ...Object.fromEntries([...PAGES, ...SCRIPTS].map((p) => [p, join(srcDir, `src/pages/${p}/main.ts`)])),
      },
      bundle: true,
      format: 'iife',
      target: ['chrome110', 'firefox110', 'safari16'],
      outdir: tmp,
      minify,
      sourcemap,
      logLevel: 'warning',
      legalComments: 'linked',
      // leaflet and uplot from this checkout's packages, wherever srcDir is (tests build copies)
      nodePaths: [join(here, '..', 'node_modules')],
    })
    const leafletDist = dirname(require.resolve('leaflet/dist/leaflet.css'))
    mkdirSync(join(tmp, 'leaflet'), { recursive: true })
    copyFileSync(join(leafletDist, 'leaflet.css'), join(tmp, 'leaflet/leaflet.css'))
    cpSync(join(leafletDist, 'images'), join(tmp, 'leaflet/images'), { recursive: true })
    copyFileSync(require.resolve('uplot/dist/uPlot.min.css'), join(tmp, 'uPlot.min.css'))
    copyFileSync(join(srcDir, 'index.html'), join(tmp, 'index.html'))
    for (const p of PAGES) copyFileSync(join(srcDir, `src/pages/${p}/index.html`), join(tmp, `${p}.html`))
    copyFileSync(join(srcDir, 'styles.css'), join(tmp, 'styles.css'))

    const made = filesBelow(tmp)
    for (const f of made) {
      mkdirSync(dirname(join(outDir, f)), { recursive: true })
      renameSync(join(tmp, f), join(outDir, f))
    }
    const keep = new Set(made)
    for (const f of filesBelow(outDir)) {
      if (!keep.has(f) && !f.startsWith('.')) rmSync(join(outDir, f), { force: true })
    }
    const stamp = { sourcesMtimeMs: sources.newestMs, packages: sources.packages, sourcemap, minify }
    writeFileSync(join(tmp, STAMP), JSON.stringify(stamp, null, 2) + '\n')
    renameSync(join(tmp, STAMP), join(outDir, STAMP))
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  return outDir
}

/** Newest mtime (ms) among paths and everything below them (directories count: a removed file changes its dir). */
function newest(paths) {
  let best = { ms: 0, path: '' }
  for (const p of paths) {
    if (!existsSync(p)) continue
    const st = statSync(p)
    if (st.mtimeMs > best.ms) best = { ms: st.mtimeMs, path: p }
    if (st.isDirectory()) {
      const below = newest(readdirSync(p).map((n) => join(p, n)))
      if (below.ms > best.ms) best = below
    }
  }
  return best
}

/** The versions of the bundled packages: package-lock.json's, or the installed ones without a lock. */
function bundledVersions() {
  const lockPath = join(here, '..', 'package-lock.json')
  const lock = existsSync(lockPath) ? JSON.parse(readFileSync(lockPath, 'utf8')) : null
  const out = {}
  for (const name of BUNDLED) {
    out[name] = lock?.packages?.[`node_modules/${name}`]?.version ?? JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version
  }
  return out
}

/** What a build of srcDir depends on: its sources' newest mtime and the bundled packages' versions. */
function sourceState(srcDir) {
  const n = newest([join(srcDir, 'src'), join(srcDir, 'index.html'), join(srcDir, 'styles.css'), fileURLToPath(import.meta.url)])
  return { newestMs: n.ms, newestPath: n.path, packages: bundledVersions() }
}

/**
 * Why outDir needs a (re)build, or null when it is current: missing outputs, a source
 * (src/**, index.html, styles.css, this file) newer than the build, other leaflet/uplot
 * versions in package-lock.json, or another WEB_SOURCEMAP or WEB_MINIFY setting.
 */
export function webBuildStale({ outDir = DIST, srcDir = here, sourcemap = envSourcemap(), minify = envMinify() } = {}) {
  const missing = OUTPUTS.filter((f) => !existsSync(join(outDir, f)))
  if (missing.length === OUTPUTS.length) return `${outDir} has no build`
  if (missing.length > 0) return `${missing.join(', ')} missing`
  let stamp
  try {
    stamp = JSON.parse(readFileSync(join(outDir, STAMP), 'utf8'))
  } catch {
    return `no ${STAMP} (a build by an older build.mjs)`
  }
  const now = sourceState(srcDir)
  if (now.newestMs > stamp.sourcesMtimeMs) return `${relative(join(here, '..'), now.newestPath) || now.newestPath} changed since the build`
  for (const [name, version] of Object.entries(now.packages)) {
    if (stamp.packages?.[name] !== version) return `${name} ${stamp.packages?.[name] ?? '?'} -> ${version}`
  }
  if (Boolean(stamp.sourcemap) !== sourcemap) return sourcemap ? 'WEB_SOURCEMAP=1 asks for source maps' : 'the build has source maps WEB_SOURCEMAP=1 asked for'
  if (Boolean(stamp.minify) !== minify) return minify ? 'the build is not minified' : 'WEB_MINIFY=0 asks for an unminified build'
  return null
}

/**
 * Builds web/dist when webBuildStale() says so; resolves { built, reason, ms, outDir }.
 * With a log (pino-like: info, error), a build is logged in one line and a failed build is
 * logged instead of thrown (the API still starts, serving the previous build or none);
 * without one, a failure throws.
 */
export async function ensureWebBuild({ outDir = DIST, srcDir = here, log, sourcemap = envSourcemap(), minify = envMinify() } = {}) {
  const reason = webBuildStale({ outDir, srcDir, sourcemap, minify })
  if (reason === null) return { built: false, reason: null, ms: 0, outDir }
  const started = Date.now()
  try {
    await buildWeb({ outDir, srcDir, sourcemap, minify })
  } catch (err) {
    if (!log) throw err
    log.error({ err, outDir }, `web: the map could not be built (${reason}); / serves the previous build, if any (run: npm run build:web)`)
    return { built: false, reason, ms: Date.now() - started, outDir, error: err }
  }
  const ms = Date.now() - started
  log?.info({ outDir, reason, ms }, `web: built the map in ${ms} ms (${reason})`)
  return { built: true, reason, ms, outDir }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now()
  const out = await buildWeb()
  console.log(`web: built ${out} in ${Date.now() - started} ms${envSourcemap() ? ' (with source maps)' : ''}`)
}
