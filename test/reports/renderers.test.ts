/**
 * Every renderer against one Report (buildReport over the fixture): the JSON is the Report
 * and matches its schema; the CSV's cells are the Report's figures, one row per
 * neighborhood plus the total, with the columns docs/REPORTS.md documents; the HTML's
 * data-value cells are the Report's; the PDF (Chromium's print of the HTML, US Letter) has
 * page numbers, the methodology and the data dictionary, the same figures in its text
 * (pdftotext) and drawn charts on its pages (pdftoppm; PNG pages in test-artifacts/). A re-run over the same stored data
 * gives byte-identical JSON, CSV and HTML.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Value } from '@sinclair/typebox/value'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildReport, type Report } from '../../reports/index.ts'
import { CSV_COLUMNS, parseCsv, renderCsv } from '../../reports/render/csv.ts'
import { dataDictionary, formatField, renderHtml, SUMMARY_TABLES } from '../../reports/render/html.ts'
import { renderJson } from '../../reports/render/json.ts'
import { renderPdf } from '../../reports/render/pdf.ts'
import { Report as ReportSchema } from '../../reports/schema.ts'
import { FROM, openFixture, TO, type Fixture } from './fixture.ts'

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname

interface Ctx {
  f: Fixture
  report: Report
  dir: string
}
const test = suite<Ctx>('reports/render: JSON, CSV, HTML and PDF of one Report', {} as Ctx)

test.before(async (ctx) => {
  ctx.f = await openFixture()
  ctx.report = await buildReport({ from: FROM, to: TO }, ctx.f.deps)
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-report-render-'))
})
test.after(async (ctx) => {
  await ctx.f?.close()
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
})

const rows = (r: Report) => [...r.neighborhoods, r.total]

test('the JSON is the Report, valid against its schema, with a reason for every null figure', ({ report }) => {
  assert.equal(JSON.parse(renderJson(report)), report)
  assert.ok(Value.Check(ReportSchema, report), [...Value.Errors(ReportSchema, report)].slice(0, 3).map((e) => `${e.path}: ${e.message}`).join('; '))
  for (const r of rows(report)) {
    for (const [k, v] of Object.entries(r)) {
      if (v !== null) continue
      const path = r.id === 'total' ? `total.${k}` : `neighborhoods.${r.id}.${k}`
      assert.type(report.method.reasons[path], 'string', `${path} is null with a reason`)
    }
  }
  for (const [k, v] of [['missBound', report.method.missBound], ['calibration', report.method.calibration]] as const) if (v === null) assert.type(report.method.reasons[`method.${k}`], 'string')
})

test('the CSV: a header, one row per neighborhood and the total, each cell the Report\'s figure (null: empty)', ({ report }) => {
  const text = renderCsv(report)
  assert.ok(text.endsWith('\r\n') && !text.includes('\n\n'), 'CRLF rows')
  const parsed = parseCsv(text)
  assert.equal(Object.keys(parsed[0]!), CSV_COLUMNS.map((c) => c.name))
  assert.equal(parsed.map((r) => r.neighborhood_id), ['north', 'east', 'total'])
  for (const [i, r] of rows(report).entries()) {
    for (const c of CSV_COLUMNS) {
      const v = c.value(r, report)
      assert.is(parsed[i]![c.name], v === null ? '' : String(v), `${r.id} ${c.name}`)
    }
  }
  // the numbers people read: the same as the JSON's
  assert.is(parsed[2]!.bytes, String(report.total.bytes))
  assert.is(parsed[0]!.availability_pct, String(report.neighborhoods[0]!.availabilityPct))
})

test('a name a spreadsheet would run as a formula is written with a leading quote', ({ report }) => {
  const odd = { ...report, neighborhoods: [{ ...report.neighborhoods[0]!, name: '=HYPERLINK("http://x","y")' }] }
  const row = parseCsv(renderCsv(odd))[0]!
  assert.is(row.neighborhood_name, `'=HYPERLINK("http://x","y")`)
})

test('docs/REPORTS.md documents every CSV column, in order, and every Report row field', () => {
  const doc = readFileSync(new URL('../../docs/REPORTS.md', import.meta.url), 'utf8')
  const section = doc.slice(doc.indexOf('## CSV columns'), doc.indexOf('\n## ', doc.indexOf('## CSV columns') + 5))
  const documented = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1])
  assert.equal(documented, CSV_COLUMNS.map((c) => c.name))
  for (const d of dataDictionary()) assert.ok(doc.includes(`\`${d.field}\``), `${d.field} in docs/REPORTS.md`)
})

test('the HTML: every summary cell carries the Report\'s value; methodology, reasons and dictionary are there', ({ report }) => {
  const html = renderHtml(report)
  assert.not.match(html, /<script/i, 'no script')
  assert.not.match(html, /\b(src|href)="(https?:)?\/\//, 'no external resource')
  for (const t of SUMMARY_TABLES) for (const r of rows(report)) {
    const tr = new RegExp(`<tr data-testid="report-row" data-table="${t.id}" data-id="${r.id}"[^>]*>([\\s\\S]*?)</tr>`).exec(html)
    assert.ok(tr, `row ${r.id}`)
    const cells = [...tr![1]!.matchAll(/data-field="([A-Za-z]+)" data-value="([^"]*)">([^<]*)</g)].map((m) => [m[1], m[2], m[3]])
    assert.equal(cells.map((c) => c[0]), t.columns.map((c) => c.field))
    for (const [field, value, text] of cells) {
      const want = (r as unknown as Record<string, number | boolean | null>)[field!]!
      assert.is(value, want === null ? '' : String(want), `${r.id}.${field}`)
      assert.is(text, formatField(field!, want).replace(/&/g, '&amp;'), `${r.id}.${field} printed`)
    }
  }
  for (const id of ['methodology', 'reasons', 'data-dictionary', 'chart-bytes', 'chart-availability', 'chart-hour-of-day']) assert.match(html, new RegExp(`data-testid="${id}"`), id)
})

test('the PDF: Letter pages numbered "page i of n", the same figures in its text, the method and dictionary, drawn charts', async (ctx) => {
  const { report, dir } = ctx
  const pdf = await renderPdf(report)
  assert.is(pdf.subarray(0, 5).toString('latin1'), '%PDF-')
  const file = join(dir, 'report.pdf')
  writeFileSync(file, pdf)
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' })
  const pages = Number(/Pages:\s+(\d+)/.exec(info)![1])
  assert.ok(pages >= 2, `${pages} pages`)
  assert.match(info, /Page size:\s+612 x 792 pts \(letter\)/)
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
  for (let i = 1; i <= pages; i++) assert.match(text, new RegExp(`page ${i} of ${pages}`), `page ${i} numbered`)
  for (const s of [report.title, report.dataVersion, 'Summary', 'Charts', 'Methodology', 'Figures not given, and why', 'Data dictionary', 'gb_per_device_day', 'Availability target']) assert.ok(text.includes(s), `'${s}' in the PDF text`)
  // each summary table's row: the name followed by its figures, in the table's order
  const lines = text.split('\n')
  let from = 0
  for (const t of SUMMARY_TABLES) for (const r of rows(report)) {
    const k = lines.findIndex((l, i) => i >= from && l.trimStart().startsWith(r.name) && /\d/.test(l))
    assert.ok(k >= 0, `a line for ${r.name} in the ${t.title} table`)
    const line = lines[k]!
    if (r.id === 'total') from = k + 1
    let at = line.indexOf(r.name) + r.name.length
    for (const c of t.columns) {
      const want = formatField(c.field, (r as unknown as Record<string, number | boolean | null>)[c.field]!)
      const i = line.indexOf(want, at)
      assert.ok(i >= 0, `${r.name}: '${want}' (${c.field}) after column ${at} in: ${line}`)
      at = i + want.length
    }
  }
  // rendered pages: Letter at 30 dpi is 255 x 330; the charts' colours are drawn
  execFileSync('pdftoppm', ['-r', '30', file, join(dir, 'page')])
  const ppms = readdirSync(dir).filter((n) => n.startsWith('page') && n.endsWith('.ppm')).sort()
  assert.is(ppms.length, pages)
  let blue = 0
  let orange = 0
  for (const n of ppms) {
    const img = readPpm(readFileSync(join(dir, n)))
    assert.equal([img.width, img.height], [255, 330], n)
    for (let i = 0; i < img.data.length; i += 3) {
      const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!]
      if (Math.abs(r - 0x00) < 30 && Math.abs(g - 0x72) < 30 && Math.abs(b - 0xb2) < 30) blue++
      if (Math.abs(r - 0xe6) < 30 && Math.abs(g - 0x9f) < 30 && Math.abs(b - 0x00) < 30) orange++
    }
  }
  assert.ok(blue > 20 && orange > 20, `chart colours drawn (blue ${blue} px, orange ${orange} px)`)
  // and as PNG pages for a person to look at (test-artifacts/report-pdf-<n>.png, Letter at 60 dpi: 510 x 660)
  mkdirSync(ARTIFACTS, { recursive: true })
  execFileSync('pdftoppm', ['-png', '-r', '60', file, join(ARTIFACTS, 'report-pdf')])
  const pngs = readdirSync(ARTIFACTS).filter((n) => /^report-pdf-\d+\.png$/.test(n))
  assert.ok(pngs.length >= pages, `${pngs.length} PNG pages`)
  const png = readFileSync(join(ARTIFACTS, pngs.sort()[0]!))
  assert.equal([png.subarray(1, 4).toString('latin1'), png.readUInt32BE(16), png.readUInt32BE(20)], ['PNG', 510, 660])
})

test('a re-run over the same stored data gives byte-identical JSON, CSV and HTML', async ({ f, report }) => {
  f.clock.set(f.clock.now() + 3 * 86_400_000) // a later run: the period is closed, so nothing moves
  const again = await buildReport({ from: FROM, to: TO }, f.deps)
  assert.is(renderJson(again), renderJson(report))
  assert.is(renderCsv(again), renderCsv(report))
  assert.is(renderHtml(again), renderHtml(report))
  assert.is(again.generatedAt, '2026-03-10T04:00:00.000Z', "generatedAt is the data's: the period's end")
})

test('a late sample in the period changes the data version (and only then)', async ({ f, report }) => {
  await f.store.write([{ metric: 'wifi_bytes', device: 'ap-e1', neighborhood: 'east', instance: '', value: 12345, timeMs: Date.parse('2026-03-07T12:00:30Z') }])
  const late = await buildReport({ from: FROM, to: TO }, f.deps)
  assert.is.not(late.dataVersion, report.dataVersion)
  assert.is(late.total.bytes, report.total.bytes! + 12345)
  assert.match(late.dataVersion, /^i1\.[0-9a-f]{16}$/)
})

function readPpm(buf: Buffer): { width: number; height: number; data: Buffer } {
  // P6\n<w> <h>\n<max>\n<rgb bytes>
  let pos = 0
  const tokens: string[] = []
  while (tokens.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[pos]!))) pos++
    let t = ''
    while (!/\s/.test(String.fromCharCode(buf[pos]!))) t += String.fromCharCode(buf[pos++]!)
    tokens.push(t)
  }
  pos++
  assert.is(tokens[0], 'P6')
  return { width: +tokens[1]!, height: +tokens[2]!, data: buf.subarray(pos) }
}

test.run()
