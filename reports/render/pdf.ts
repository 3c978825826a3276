/**
 * The Report as PDF: Chromium's print-to-PDF of the report's HTML (render/html.ts), US
 * Letter, with page numbers in the footer. Debian's /usr/bin/chromium (CIVICNET_CHROMIUM to
 * use another) driven by playwright-core, headless, with every background network feature
 * off (the flags of test/support/browser.ts) and every request the page might make refused:
 * the document is self-contained. One PDF at a time per process; a fresh profile each time.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Report } from '../schema.ts'
import { esc } from './charts.ts'
import { renderHtml } from './html.ts'

export const CHROMIUM_PATH = process.env.CIVICNET_CHROMIUM ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Longest one PDF may take (launch, layout, print). */
const PDF_TIMEOUT_MS = 60_000

let queue: Promise<unknown> = Promise.resolve()

export function renderPdf(report: Report): Promise<Buffer> {
  return printHtmlPdf(renderHtml(report), `${report.title} · data version ${report.dataVersion}`)
}

/** Prints a self-contained HTML document to a Letter PDF with a footer line and page numbers (one print at a time). */
export function printHtmlPdf(html: string, footerText: string): Promise<Buffer> {
  const run = queue.then(() => printPdf(html, footerText))
  queue = run.catch(() => undefined)
  return run
}

async function printPdf(html: string, footerText: string): Promise<Buffer> {
  // loaded here: only a PDF needs a browser
  const { chromium } = await import('playwright-core')
  const profile = mkdtempSync(join(tmpdir(), 'civicnet-report-pdf-'))
  let context
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 })
  } catch (err) {
    rmSync(profile, { recursive: true, force: true })
    throw new Error(`could not start chromium at ${CHROMIUM_PATH} to print the PDF (set CIVICNET_CHROMIUM)`, { cause: err })
  }
  try {
    const page = await context.newPage()
    await page.route('**/*', (route) => route.abort())
    await page.setContent(html, { waitUntil: 'load', timeout: PDF_TIMEOUT_MS })
    await page.emulateMedia({ media: 'print' })
    const footer = `<div style="font-family: Helvetica, Arial, sans-serif; font-size: 7pt; color: #4b5563; width: 100%; padding: 0 0.6in; display: flex; justify-content: space-between;"><span>${esc(footerText)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`
    const pdf = await page.pdf({
      format: 'Letter',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: footer,
      margin: { top: '0.6in', bottom: '0.7in', left: '0.6in', right: '0.6in' },
      outline: true,
      tagged: true,
    })
    return Buffer.from(pdf)
  } finally {
    await context.close().catch(() => undefined)
    rmSync(profile, { recursive: true, force: true })
  }
}
