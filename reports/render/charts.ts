/**
 * Charts of a Report as inline SVG (no script, no external file): they print in the PDF as
 * vectors and show under the page's CSP. Each chart carries a <title> and a text table
 * beside it in the document, so a screen reader and a reviewer read the same numbers.
 */

/** Okabe-Ito, colour-blind safe, in a fixed order. */
export const SERIES_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000']

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const fmtAxis = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}k` : Number.isInteger(v) ? String(v) : v.toFixed(1))

function niceMax(x: number): number {
  if (!(x > 0)) return 1
  const p = 10 ** Math.floor(Math.log10(x))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p
  return 10 * p
}

export interface Series {
  name: string
  values: (number | null)[]
}

const W = 680
const H = 240
const M = { l: 52, r: 12, t: 14, b: 40 }

function frame(title: string, yMax: number, yLabel: string, body: string, xLabels: string[], testid: string): string {
  const plotH = H - M.t - M.b
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = M.t + plotH * (1 - f)
    return `<line x1="${M.l}" x2="${W - M.r}" y1="${y}" y2="${y}" stroke="#e5e7eb"/><text x="${M.l - 6}" y="${y + 4}" text-anchor="end">${fmtAxis(yMax * f)}</text>`
  }).join('')
  const every = Math.max(1, Math.ceil(xLabels.length / 12))
  const plotW = W - M.l - M.r
  const xs = xLabels.map((l, i) => (i % every === 0 ? `<text x="${M.l + (plotW * (i + 0.5)) / xLabels.length}" y="${H - M.b + 16}" text-anchor="middle">${esc(l)}</text>` : '')).join('')
  return `<svg class="chart" data-testid="${testid}" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg" font-family="Helvetica, Arial, sans-serif" font-size="10" fill="#374151"><title>${esc(title)}</title>${ticks}<text x="12" y="${M.t + plotH / 2}" transform="rotate(-90 12 ${M.t + plotH / 2})" text-anchor="middle">${esc(yLabel)}</text>${body}${xs}</svg>`
}

/** Stacked bars: one bar per x, one stack segment per series (nulls count as nothing). */
export function stackedBars(title: string, yLabel: string, xLabels: string[], series: Series[], testid: string): string {
  const totals = xLabels.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0))
  const yMax = niceMax(Math.max(0, ...totals))
  const plotW = W - M.l - M.r
  const plotH = H - M.t - M.b
  const bw = (plotW / Math.max(1, xLabels.length)) * 0.7
  let body = ''
  xLabels.forEach((_, i) => {
    let acc = 0
    const x = M.l + (plotW * (i + 0.15)) / xLabels.length
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0
      if (v <= 0) return
      const y0 = M.t + plotH * (1 - acc / yMax)
      acc += v
      const y1 = M.t + plotH * (1 - acc / yMax)
      body += `<rect x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${bw.toFixed(1)}" height="${(y0 - y1).toFixed(1)}" fill="${SERIES_COLORS[k % SERIES_COLORS.length]}"/>`
    })
  })
  return frame(title, yMax, yLabel, body, xLabels, testid)
}

/** Lines: one polyline per series; a null breaks the line. */
export function lines(title: string, yLabel: string, xLabels: string[], series: Series[], testid: string, opts: { dashedLast?: boolean } = {}): string {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null))
  const yMax = niceMax(Math.max(0, ...all))
  const plotW = W - M.l - M.r
  const plotH = H - M.t - M.b
  let body = ''
  series.forEach((s, k) => {
    const color = opts.dashedLast && k === series.length - 1 ? '#111827' : SERIES_COLORS[k % SERIES_COLORS.length]
    const dash = opts.dashedLast && k === series.length - 1 ? ' stroke-dasharray="5 3"' : ''
    let d = ''
    let pen = false
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false
        return
      }
      const x = M.l + (plotW * (i + 0.5)) / xLabels.length
      const y = M.t + plotH * (1 - v / yMax)
      d += `${pen ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)} `
      pen = true
    })
    if (d) body += `<path d="${d.trim()}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`
  })
  return frame(title, yMax, yLabel, body, xLabels, testid)
}

/** Horizontal bars of percentages in [lo, 100] with a target line. */
export function percentBars(title: string, rows: { name: string; value: number | null }[], targetPct: number, testid: string): string {
  const lo = Math.min(90, Math.floor(Math.min(targetPct, ...rows.map((r) => r.value ?? 100)) - 0.5))
  const rowH = 22
  const top = M.t + 10
  const h = top + rows.length * rowH + 24
  const left = 150
  const plotW = W - left - 110
  const x = (v: number) => left + (plotW * (Math.max(lo, Math.min(100, v)) - lo)) / (100 - lo)
  let body = ''
  rows.forEach((r, i) => {
    const y = top + i * rowH
    body += `<text x="${left - 6}" y="${y + 14}" text-anchor="end">${esc(r.name)}</text>`
    if (r.value === null) body += `<text x="${left + 4}" y="${y + 14}">not measured</text>`
    else {
      const met = r.value >= targetPct
      body += `<rect x="${left}" y="${y + 4}" width="${(x(r.value) - left).toFixed(1)}" height="14" fill="${met ? '#009E73' : '#D55E00'}"/><text x="${left + plotW + 6}" y="${y + 15}">${r.value.toFixed(3)} %${met ? '' : ' (below)'}</text>`
    }
  })
  const tx = x(targetPct)
  body += `<line x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${top}" y2="${top + rows.length * rowH + 4}" stroke="#111827" stroke-dasharray="4 3"/><text x="${tx.toFixed(1)}" y="${top - 3}" text-anchor="end">target ${targetPct} %</text>`
  body += `<text x="${left}" y="${h - 4}">${lo} %</text><text x="${left + plotW}" y="${h - 4}" text-anchor="end">100 %</text>`
  return `<svg class="chart" data-testid="${testid}" viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg" font-family="Helvetica, Arial, sans-serif" font-size="10" fill="#374151"><title>${esc(title)}</title>${body}</svg>`
}

/** A legend: colour swatches with the series' names. */
export function legend(names: string[], opts: { dashedLast?: boolean } = {}): string {
  return `<ul class="legend">${names.map((n, k) => {
    const last = opts.dashedLast && k === names.length - 1
    return `<li><span class="swatch${last ? ' dashed' : ''}" style="background:${last ? '#111827' : SERIES_COLORS[k % SERIES_COLORS.length]}"></span>${esc(n)}</li>`
  }).join('')}</ul>`
}
