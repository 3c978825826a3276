/**
 * Debian's chromium driven by playwright-core: headless, sandbox off (root in CI), every
 * background network feature off (the network here is closed: without these flags chromium
 * floods it with refused connections), and a fresh profile per launch.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

// One definition of how chromium runs here, shared with the PDF renderer.
export { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../reports/render/pdf.ts'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../reports/render/pdf.ts'

export interface Browser {
  context: BrowserContext
  newPage(): Promise<Page>
  /** closes chromium and removes its profile; safe to call twice */
  close(): Promise<void>
}

export async function launchBrowser(opts: { width?: number; height?: number; javaScriptEnabled?: boolean; locale?: string } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'civicnet-chromium-'))
  let context: BrowserContext
  try {
    // launchPersistentContext is playwright's way to pass --user-data-dir (a fresh profile).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: opts.width ?? 1366, height: opts.height ?? 860 },
      ...(opts.javaScriptEnabled === false ? { javaScriptEnabled: false } : {}),
      ...(opts.locale ? { locale: opts.locale } : {}),
      timeout: 30_000,
    })
  } catch (err) {
    rmSync(profile, { recursive: true, force: true })
    throw new Error(`could not start chromium at ${CHROMIUM_PATH}`, { cause: err })
  }
  let closed = false
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      if (closed) return
      closed = true
      await context.close().catch(() => {})
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
