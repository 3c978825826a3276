/**
 * The public status as residents get it: a server-rendered HTML page (no script: it works
 * with JavaScript off, on a 375 px phone, and passes axe's WCAG 2.1 AA rules), an Atom
 * feed of incidents, and an SVG badge per neighborhood for other sites to embed. Every
 * text from the inventory is escaped.
 */
import { formatDay, formatWhen, LANGS, WORDS, type Lang } from './i18n.ts'
import type { NeighborhoodStatus, PublicIncident, PublicStatus, Uptime } from './index.ts'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Colours with at least 4.5:1 contrast, on white (text) and under white text (badges). */
export const STATE_COLOURS = { working: '#116329', partial: '#7d4e00', outage: '#a40e26' } as const

export const STATUS_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
a { color: #0550ae; }
a:focus-visible { outline: 3px solid #0550ae; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 8px; }
.skip:focus { left: 8px; }
header, main, footer { max-width: 860px; margin: 0 auto; padding: 0 16px; }
header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: 8px; padding-top: 16px; }
h1 { font-size: 1.6rem; margin: 0; }
h2 { font-size: 1.25rem; margin: 28px 0 8px; }
h3 { font-size: 1.05rem; margin: 0; }
nav ul { list-style: none; display: flex; gap: 12px; margin: 0; padding: 0; }
.hoods { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px; }
.hoods li, .incident { border: 1px solid #d0d7de; border-radius: 8px; padding: 12px; }
.state { font-weight: 700; margin: 4px 0; }
.state-working { color: ${STATE_COLOURS.working}; }
.state-partial { color: ${STATE_COLOURS.partial}; }
.state-outage { color: ${STATE_COLOURS.outage}; }
.small { font-size: 0.9rem; color: #57606a; margin: 2px 0; }
.hp { position: absolute; left: -9999px; width: 1px; height: 1px; overflow: hidden; }
.pin-map { height: 260px; max-width: 100%; border: 1px solid #6b7280; border-radius: 6px; margin: 6px 0; }
fieldset.pin[hidden] { display: none; }
.error { border: 2px solid ${STATE_COLOURS.outage}; border-radius: 8px; padding: 8px 12px; margin: 12px 0; }
.error h2 { margin: 0 0 4px; font-size: 1.05rem; }
input:not([type=radio]), select { font: inherit; padding: 6px; max-width: 100%; width: 28rem; border: 1px solid #57606a; border-radius: 4px; }
button { font: inherit; padding: 8px 14px; border-radius: 6px; border: 1px solid #0550ae; background: #0550ae; color: #fff; }
fieldset { border: 1px solid #d0d7de; border-radius: 8px; margin: 12px 0; }
.incident { margin: 8px 0; }
.incident p { margin: 4px 0; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-size: 0.9rem; color: #57606a; padding-bottom: 4px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #d0d7de; vertical-align: top; }
footer { margin-top: 32px; padding-bottom: 32px; font-size: 0.9rem; color: #57606a; }
@media (max-width: 480px) {
  thead { position: absolute; left: -999px; }
  tr { display: block; border-bottom: 1px solid #d0d7de; padding: 6px 0; }
  td { display: block; border: 0; padding: 2px 0; }
  td::before { content: attr(data-label) ": "; font-weight: 600; }
}
`

function uptimeText(u: Uptime, days: number, lang: Lang, tz: string): string {
  const w = WORDS[lang]
  if (u.pct === null) return `${w.days(days)}: ${w.noData}`
  const pct = new Intl.NumberFormat(w.locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(u.pct)
  return `${w.days(days)}: ${pct} %${u.dataFromMs !== null ? ` ${w.since(formatDay(u.dataFromMs, lang, tz))}` : ''}`
}

function neighborhood(n: NeighborhoodStatus, lang: Lang, tz: string): string {
  const w = WORDS[lang]
  return `<li id="nb-${esc(n.id)}">
  <h3>${esc(n.name)}</h3>
  <p class="state state-${n.state}">${w.state[n.state]}<span class="small"> (${w.stateHelp[n.state]})</span></p>
  ${n.state === 'working' ? '' : `<p class="small">${esc(w.apsOut(n.apsOut, n.aps))}</p>`}
  <p class="small">${w.uptime}: ${esc(uptimeText(n.uptime30d, 30, lang, tz))}; ${esc(uptimeText(n.uptime90d, 90, lang, tz))}</p>
</li>`
}

const hoodNames = (i: PublicIncident) => i.neighborhoods.map((n) => esc(n.name)).join(', ')

function openIncident(i: PublicIncident, lang: Lang, tz: string): string {
  const w = WORDS[lang]
  return `<article class="incident" aria-labelledby="inc-${i.id}">
  <h3 id="inc-${i.id}">${hoodNames(i)}: ${w.cause[i.cause]}</h3>
  <p>${esc(w.startedAt(formatWhen(i.startedMs, lang, tz)))}. ${esc(w.apsOut(i.apsOut, i.apsTotal))}.</p>
  <p>${i.expectedRestoreMs !== null ? esc(w.expected(formatWhen(i.expectedRestoreMs, lang, tz))) : w.noExpected}</p>
</article>`
}

/** The document around a page of the status site: language links, the stylesheet. */
function shell(lang: Lang, title: string, page: string, selfPath: string, body: string): string {
  const w = WORDS[lang]
  const sep = selfPath.includes('?') ? '&' : '?'
  const other = LANGS.map((l) => `<li><a href="${esc(selfPath)}${sep}lang=${l}" hreflang="${l}" lang="${l}"${l === lang ? ' aria-current="true"' : ''}>${l === 'en' ? 'English' : 'Español'}</a></li>`).join('')
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${esc(page)}/status.css">
</head>
<body>
<a class="skip" href="#main">${w.skip}</a>
<header>
  <h1>${esc(title)}</h1>
  <nav aria-label="${w.languages}"><ul>${other}</ul></nav>
</header>
<main id="main">
${body}
</main>
</body>
</html>
`
}

export interface ReportFormState {
  neighborhoods: { id: string; name: string }[]
  /** the chosen neighborhood, once chosen */
  chosen: string | null
  known: { incident: { id: number; sinceMs: number } | null; othersLastHour: number } | null
  error: string | null
  values: { kind?: string; near?: string; contact?: string }
  timezone: string
}

/** The report form, in two steps that need no script: the neighborhood (what is known there), then the rest. */
export function renderReportForm(f: ReportFormState, lang: Lang, page: string): string {
  const w = WORDS[lang]
  const r = w.report
  const options = f.neighborhoods.map((n) => `<option value="${esc(n.id)}"${n.id === f.chosen ? ' selected' : ''}>${esc(n.name)}</option>`).join('')
  const step1 = `<form method="get" action="${esc(page)}/report">
  <input type="hidden" name="lang" value="${lang}">
  <p><label for="neighborhood">${r.where}</label><br>
  <select id="neighborhood" name="neighborhood" required><option value="">${r.choose}</option>${options}</select></p>
  <p><button type="submit">${r.next}</button></p>
</form>`
  const known = f.known
    ? `<section aria-labelledby="known"><h2 id="known">${esc(f.neighborhoods.find((n) => n.id === f.chosen)?.name ?? '')}</h2>
  <p>${f.known.incident ? esc(r.known(formatWhen(f.known.incident.sinceMs, lang, f.timezone))) : r.notKnown}${f.known.othersLastHour > 0 ? ` ${esc(r.others(f.known.othersLastHour))}` : ''}</p>
</section>`
    : ''
  const kinds = (Object.keys(r.kinds) as (keyof typeof r.kinds)[])
    .map((k, i) => `<p><input type="radio" id="kind-${k}" name="kind" value="${k}"${(f.values.kind ?? 'no-wifi') === k ? ' checked' : ''}${i === 0 ? ' required' : ''}> <label for="kind-${k}">${r.kinds[k]}</label></p>`)
    .join('\n')
  const step2 = f.chosen && f.known
    ? `<form method="post" action="${esc(page)}/report?lang=${lang}">
  <input type="hidden" name="neighborhood" value="${esc(f.chosen)}">
  <fieldset><legend>${r.what}</legend>
${kinds}
  </fieldset>
  <p><label for="near">${r.near}</label><br><input id="near" name="near" maxlength="120" value="${esc(f.values.near ?? '')}" aria-describedby="near-help"><br><span class="small" id="near-help">${r.nearHelp}</span></p>
  <input type="hidden" name="lon" id="pin-lon" value=""><input type="hidden" name="lat" id="pin-lat" value="">
  <fieldset class="pin" data-pin-neighborhood="${esc(f.chosen)}" data-said-placed="${esc(r.pinPlaced)}" data-said-outside="${esc(r.pinOutside)}" data-said-nolocation="${esc(r.pinNoLocation)}" data-said-known="${esc(r.pinKnown)}" data-said-others="${esc(r.pinOthers)}" data-map-label="${esc(r.pinMap)}" hidden>
    <legend>${r.pinLegend}</legend>
    <p class="small" id="pin-help">${r.pinHelp}</p>
    <div id="pin-map" class="pin-map"></div>
    <p><button type="button" id="pin-locate">${r.pinLocate}</button> <span id="pin-said" role="status"></span></p>
  </fieldset>
  <p><label for="contact">${r.contact}</label><br><input id="contact" name="contact" maxlength="200" autocomplete="email" value="${esc(f.values.contact ?? '')}" aria-describedby="contact-help"><br><span class="small" id="contact-help">${r.contactHelp}</span></p>
  <div class="hp"><label for="website">${r.honeypot}</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
  <p><button type="submit">${r.send}</button></p>
</form>`
    : ''
  const error = f.error ? `<div role="alert" class="error"><h2>${r.errorTitle}</h2><p>${esc(f.error)}</p></div>` : ''
  const path = `${page}/report${f.chosen ? `?neighborhood=${encodeURIComponent(f.chosen)}` : ''}`
  // the map pin is an enhancement: the page's script (web/src/pages/status-pin, from the web
  // build) draws it where scripts run; without it, or without scripts, the form is whole
  const pinScript = step2 ? '\n<link rel="stylesheet" href="/leaflet/leaflet.css"><script src="/status-pin.js" defer></script>' : ''
  return shell(lang, r.title, page, path, `${error}<p>${r.intro}</p>
${step1}\n${known}\n${step2}\n<p><a href="${esc(page)}?lang=${lang}">${r.back}</a></p>${pinScript}`)
}

export interface ReportView {
  tracking: string
  kind: 'no-wifi' | 'slow' | 'cant-connect'
  neighborhood: string
  createdMs: number
  state: 'open' | 'resolved'
  resolvedMs: number | null
  incident: { id: number; state: string; sinceMs: number; expectedRestoreMs: number | null } | null
}

/** A report's own page, found by its tracking number. */
export function renderReportStatus(v: ReportView | null, lang: Lang, page: string, timezone: string, justSent: boolean): string {
  const w = WORDS[lang]
  const r = w.report
  if (!v) return shell(lang, r.title, page, `${page}/report`, `<p>${r.notFound}</p><p><a href="${esc(page)}?lang=${lang}">${r.back}</a></p>`)
  const when = formatWhen(v.resolvedMs ?? v.createdMs, lang, timezone)
  const body = `${justSent ? `<p role="status"><strong>${r.sentTitle}</strong></p>` : ''}
<p>${esc(r.tracking(v.tracking))} ${r.keep}</p>
<p>${esc(r.kinds[v.kind])} · ${esc(v.neighborhood)} · ${esc(r.received(formatWhen(v.createdMs, lang, timezone)))}</p>
<p data-state="${v.state}">${esc(r.stateLine(r.state[v.state], when))}</p>
${v.incident ? `<p>${esc(r.attached(v.incident.id))}${v.incident.state === 'open' && v.incident.expectedRestoreMs !== null ? ` ${esc(w.expected(formatWhen(v.incident.expectedRestoreMs, lang, timezone)))}.` : ''}</p>` : ''}
<p><a href="${esc(page)}?lang=${lang}">${r.back}</a></p>`
  return shell(lang, r.sentTitle && justSent ? r.sentTitle : `${r.title}: ${v.tracking}`, page, `${page}/report/${v.tracking}`, body)
}

export interface StatusLinks {
  /** the page's own path, for the language links (e.g. /status) */
  page: string
  feed: string
  badge: (neighborhood: string) => string
}

export function renderStatusHtml(s: PublicStatus, lang: Lang, links: StatusLinks): string {
  const w = WORDS[lang]
  const tz = s.timezone
  const other = LANGS.map((l) => `<li><a href="${esc(links.page)}?lang=${l}" hreflang="${l}" lang="${l}"${l === lang ? ' aria-current="true"' : ''}>${l === 'en' ? 'English' : 'Español'}</a></li>`).join('')
  const resolvedRows = s.resolved
    .map(
      (i) => `<tr>
  <td data-label="${w.colNeighborhood}">${hoodNames(i)}</td>
  <td data-label="${w.colCause}">${w.cause[i.cause]}</td>
  <td data-label="${w.colStarted}">${esc(formatWhen(i.startedMs, lang, tz))}</td>
  <td data-label="${w.colRestore}">${esc(w.duration(i.restoreMinutes ?? 0))}</td>
  <td data-label="${w.colAps}">${esc(w.count(i.apsOut))}</td>
</tr>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(w.title(s.city))}</title>
<link rel="stylesheet" href="${esc(links.page)}/status.css">
<link rel="alternate" type="application/atom+xml" title="${esc(w.feed)}" href="${esc(links.feed)}?lang=${lang}">
</head>
<body>
<a class="skip" href="#main">${w.skip}</a>
<header>
  <h1>${esc(w.title(s.city))}</h1>
  <nav aria-label="${w.languages}"><ul>${other}</ul></nav>
</header>
<main id="main">
  <p>${w.intro} <a href="${esc(links.page)}/report?lang=${lang}">${w.report.link}</a></p>
  <section aria-labelledby="now"><h2 id="now">${w.now}</h2>
  <ul class="hoods">
${s.neighborhoods.map((n) => neighborhood(n, lang, tz)).join('\n')}
  </ul></section>
  <section aria-labelledby="open"><h2 id="open">${w.open}</h2>
${s.open.length === 0 ? `<p>${w.noOpen}</p>` : s.open.map((i) => openIncident(i, lang, tz)).join('\n')}
  </section>
  <section aria-labelledby="resolved"><h2 id="resolved">${w.resolved}</h2>
${s.resolved.length === 0 ? `<p>${w.noResolved}</p>` : `<table><caption>${w.resolvedCaption}</caption>
<thead><tr><th scope="col">${w.colNeighborhood}</th><th scope="col">${w.colCause}</th><th scope="col">${w.colStarted}</th><th scope="col">${w.colRestore}</th><th scope="col">${w.colAps}</th></tr></thead>
<tbody>
${resolvedRows}
</tbody></table>`}
  </section>
</main>
<footer>
  <p>${esc(w.updated(formatWhen(s.generatedMs, lang, tz)))}</p>
  <p>${w.method}</p>
  <p><a href="${esc(links.feed)}?lang=${lang}">${w.feed}</a> · ${w.badges}: ${s.neighborhoods.map((n) => `<a href="${esc(links.badge(n.id))}?lang=${lang}">${esc(n.name)}</a>`).join(', ')}</p>
</footer>
</body>
</html>
`
}

/** Atom 1.0 (RFC 4287): one entry per open or resolved incident, updated at its last change. */
export function renderAtom(s: PublicStatus, lang: Lang, baseUrl: string, pagePath: string): string {
  const w = WORDS[lang]
  const tz = s.timezone
  const iso = (ms: number) => new Date(ms).toISOString()
  const host = (() => {
    try {
      return new URL(baseUrl).host.replace(/:\d+$/, '')
    } catch {
      return 'civicnet.invalid'
    }
  })()
  const entries = [...s.open, ...s.resolved].map((i) => {
    const updated = i.endedMs ?? i.startedMs
    const title = `${i.endedMs === null ? '' : `${lang === 'es' ? 'Resuelto' : 'Resolved'}: `}${i.neighborhoods.map((n) => n.name).join(', ')}: ${w.cause[i.cause]}`
    const body = [
      w.startedAt(formatWhen(i.startedMs, lang, tz)),
      w.apsOut(i.apsOut, i.apsTotal),
      i.endedMs !== null ? `${w.colRestore}: ${w.duration(i.restoreMinutes ?? 0)}` : i.expectedRestoreMs !== null ? w.expected(formatWhen(i.expectedRestoreMs, lang, tz)) : w.noExpected,
    ].join('. ')
    return `  <entry>
    <id>tag:${esc(host)},2026:incident-${i.id}${i.endedMs === null ? '' : '-resolved'}</id>
    <title>${esc(title)}</title>
    <updated>${iso(updated)}</updated>
    <published>${iso(i.startedMs)}</published>
    <link rel="alternate" type="text/html" href="${esc(baseUrl + pagePath)}?lang=${lang}"/>
    <content type="text">${esc(body)}</content>
  </entry>`
  })
  const updated = Math.max(s.generatedMs - (s.generatedMs % 60_000), ...s.open.map((i) => i.startedMs), ...s.resolved.map((i) => i.endedMs!))
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">
  <id>tag:${esc(host)},2026:status</id>
  <title>${esc(w.title(s.city))}</title>
  <updated>${iso(updated)}</updated>
  <author><name>${esc(s.city)}</name></author>
  <link rel="self" type="application/atom+xml" href="${esc(baseUrl + pagePath)}/feed.atom?lang=${lang}"/>
  <link rel="alternate" type="text/html" href="${esc(baseUrl + pagePath)}?lang=${lang}"/>
${entries.join('\n')}
</feed>
`
}

/** A shields-style badge: "<neighborhood> Wi-Fi | <state>", with its text for screen readers. */
export function renderBadge(n: NeighborhoodStatus, lang: Lang): string {
  const w = WORDS[lang]
  const left = `${n.name} Wi-Fi`
  const right = w.state[n.state]
  // about 7 px a character at 11 px Verdana
  const lw = Math.round(left.length * 6.8) + 12
  const rw = Math.round(right.length * 6.8) + 12
  const label = `${left}: ${right}`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${lw + rw}" height="20" role="img" aria-label="${esc(label)}">
<title>${esc(label)}</title>
<rect width="${lw}" height="20" fill="#24292f"/>
<rect x="${lw}" width="${rw}" height="20" fill="${STATE_COLOURS[n.state]}"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
<text x="${lw / 2}" y="14">${esc(left)}</text>
<text x="${lw + rw / 2}" y="14">${esc(right)}</text>
</g>
</svg>
`
}
