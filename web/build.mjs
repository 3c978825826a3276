#!/usr/bin/env node
// Bundles web/src/main.ts (with Leaflet and uPlot) into web/dist/main.js and copies the
// page, its CSS and Leaflet's images beside it. `node web/build.mjs` or `npm run build:web`;
// other code calls `buildWeb()`.
import { build } from 'esbuild'
import { cpSync, mkdirSync, copyFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

/** Builds into outDir (default web/dist); returns the output directory. */
export async function buildWeb({ outDir = join(here, 'dist'), minify = process.env.WEB_MINIFY !== '0' } = {}) {
  mkdirSync(outDir, { recursive: true })
  await build({
    entryPoints: [join(here, 'src/main.ts')],
    bundle: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    outfile: join(outDir, 'main.js'),
    minify,
    sourcemap: true,
    logLevel: 'warning',
    legalComments: 'linked',
  })
  const leafletDist = dirname(require.resolve('leaflet/dist/leaflet.css'))
  mkdirSync(join(outDir, 'leaflet'), { recursive: true })
  copyFileSync(join(leafletDist, 'leaflet.css'), join(outDir, 'leaflet/leaflet.css'))
  cpSync(join(leafletDist, 'images'), join(outDir, 'leaflet/images'), { recursive: true })
  copyFileSync(require.resolve('uplot/dist/uPlot.min.css'), join(outDir, 'uPlot.min.css'))
  copyFileSync(join(here, 'index.html'), join(outDir, 'index.html'))
  copyFileSync(join(here, 'styles.css'), join(outDir, 'styles.css'))
  return outDir
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now()
  const out = await buildWeb()
  console.log(`web: built ${out} in ${Date.now() - started} ms`)
}
