/**
 * The map page's incident and resident-report lists (engineers), and what an engineer does
 * from them: open an incident by hand from a cluster of reports that matches no incident
 * (a coverage hole, a portal fault the polls cannot see), and close such an incident when
 * it is fixed. Both ask in a dialog (`<dialog>`, outside the lists, so a refresh redrawing
 * the lists never loses what is being typed), then POST and refresh.
 *
 * Test hooks: data-testid incident-item (data-id, data-root-kind, data-root), report-cluster
 * (data-unmatched), open-incident (a cluster's button), close-incident (an incident's
 * button), incident-dialog with incident-dialog-text and incident-dialog-error.
 */
import type { createApiClient } from '../../api-client.ts'
import { fmtDuration, fmtInt, fmtSince } from '../../format.ts'
import type { IncidentRow, ReportClusterRow, TestHooks } from '../../types.ts'
import type { createCityMap } from './map.ts'
import { escapeHtml } from './map.ts'

export interface IncidentListDeps {
  api: Pick<ReturnType<typeof createApiClient>, 'openIncident' | 'closeIncident'>
  cityMap: Pick<ReturnType<typeof createCityMap>, 'markIncidentRoots' | 'setResidentReports'>
  hooks: TestHooks
  nowMs(): number
  nameOf(neighborhood: string): string
  deviceName(id: string): string
  setHtml(el: HTMLElement, html: string): void
  /** after an incident was opened or closed: draw the fresh state */
  onChange(): Promise<void>
}

const kindWords = (k: string) => (k === 'no-wifi' ? 'no Wi-Fi' : k === 'cant-connect' ? "can't connect" : 'slow')

export function createIncidentLists(root: { incidents: HTMLElement; incidentCount: HTMLElement; reports: HTMLElement; reportCount: HTMLElement; dialog: HTMLDialogElement }, deps: IncidentListDeps) {
  let clusters: ReportClusterRow[] = []
  /** the clusters as listed (the buttons refer to them by position) */
  let shownClusters: ReportClusterRow[] = []
  const kinds = (c: ReportClusterRow) => Object.entries(c.kinds).map(([k, n]) => `${fmtInt(n)} ${kindWords(k)}`).join(', ')
  let incidents: IncidentRow[] = []
  const form = root.dialog.querySelector('form')!
  const text = root.dialog.querySelector<HTMLTextAreaElement>('[data-testid=incident-dialog-text]')!
  const error = root.dialog.querySelector<HTMLElement>('[data-testid=incident-dialog-error]')!
  const title = root.dialog.querySelector<HTMLElement>('h2')!
  const label = root.dialog.querySelector<HTMLElement>('label')!
  let pending: ((words: string) => Promise<void>) | null = null
  let returnFocus: HTMLElement | null = null

  function ask(o: { title: string; label: string; text: string; then: (words: string) => Promise<void> }, from: HTMLElement) {
    title.textContent = o.title
    label.textContent = o.label
    text.value = o.text
    error.textContent = ''
    pending = o.then
    returnFocus = from
    root.dialog.showModal()
    text.focus()
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    if ((e.submitter as HTMLButtonElement | null)?.value === 'cancel') {
      root.dialog.close()
      return
    }
    const words = text.value.trim()
    if (!pending) return
    const run = pending
    void run(words)
      .then(async () => {
        root.dialog.close()
        await deps.onChange()
      })
      .catch((err: unknown) => (error.textContent = String((err as Error).message ?? err)))
  })
  root.dialog.addEventListener('close', () => {
    pending = null
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus()
  })

  function cause(i: IncidentRow) {
    if (i.rootCause.kind === 'link') return `Fiber <strong>${escapeHtml(i.rootCause.id)}</strong> cut`
    if (i.rootCause.kind === 'reported') return `Reported in <strong>${escapeHtml(deps.nameOf(i.rootCause.id))}</strong>: ${escapeHtml(i.rootCause.why)}`
    return `<strong>${escapeHtml(deps.deviceName(i.rootCause.id))}</strong> down`
  }
  const sla = (i: IncidentRow) => (i.sla.breached ? '<span class="bad">SLA breached</span>' : i.sla.remainingMs === null ? '' : `SLA ${escapeHtml(i.sla.severity)}: ${fmtDuration(i.sla.remainingMs)} left`)

  /**
   * Open incidents: one line per root cause (a fiber cut darkening a street of APs is one),
   * what it takes out, since when, and its SLA clock; on the map the root cause is marked
   * and each affected AP carries its incident (hooks.incidents for tests).
   */
  function drawIncidents() {
    root.incidentCount.textContent = String(incidents.length)
    deps.setHtml(root.incidents, incidents.length
      ? incidents.map((i) => `<li class="incident" data-testid="incident-item" data-id="${i.id}" data-root-kind="${i.rootCause.kind}" data-root="${escapeHtml(i.rootCause.id)}" title="${escapeHtml(i.rootCause.why)}">
        <span class="sym sym-down" aria-hidden="true"></span>
        <span>${cause(i)}${i.rootCause.probable ? ' <span class="muted">(probable)</span>' : ''}: ${i.rootCause.kind === 'reported' ? `${fmtInt(i.aps.length)} AP(s) named` : `${fmtInt(i.down.length)} device(s), ${fmtInt(i.aps.length)} AP(s)`} in ${escapeHtml(i.neighborhoods.map(deps.nameOf).join(', ') || 'no neighborhood')}
        <span class="muted">· ${fmtSince(i.openedMs, deps.nowMs())} · ${sla(i)}${i.clientHoursLost === null ? '' : ` · ${fmtInt(Math.round(i.clientHoursLost))} client-hours lost`}${i.acknowledged ? ' · acknowledged' : ''}</span>
        ${i.rootCause.kind === 'reported' ? `<button type="button" class="small" data-testid="close-incident" data-action="close-incident" data-ref="${i.id}">Close incident #${i.id}</button>` : ''}</span></li>`).join('')
      : '<li class="muted">No open incident.</li>')
    const byAp: Record<string, number> = {}
    for (const i of incidents) for (const d of i.down) byAp[d] = i.id
    const tethers = deps.cityMap.markIncidentRoots(incidents.map((i) => ({ ...i.rootCause, aps: i.aps, place: i.place })))
    deps.hooks.incidents = { roots: incidents.map((i) => `${i.rootCause.kind}:${i.rootCause.id}`), byDevice: byAp, tethers }
  }

  /**
   * Residents' reports of the last 24 hours: clusters by place and hour on the map and in a
   * list, those matching no incident first, as a signal of their own, each with a button to
   * open an incident from them.
   */
  function drawReports() {
    const list = [...clusters].sort((a, b) => Number(b.unmatched > 0) - Number(a.unmatched > 0) || b.hourMs - a.hourMs)
    const describe = (c: ReportClusterRow) => `${c.reports} report(s) in ${deps.nameOf(c.neighborhood)} from ${fmtSince(c.hourMs, deps.nowMs())}: ${kinds(c)}${c.unmatched > 0 ? ` · ${c.unmatched} match no incident` : ` · part of incident ${c.incidents.map((i) => `#${i}`).join(', ')}`}`
    const drawn = deps.cityMap.setResidentReports(list, describe)
    root.reportCount.textContent = String(list.reduce((n, c) => n + c.reports, 0))
    deps.setHtml(root.reports, list.length
      ? list.map((c, k) => `<li data-testid="report-cluster" data-unmatched="${c.unmatched}">${escapeHtml(describe(c))}${c.unmatched > 0
          ? ` <button type="button" class="small" data-testid="open-incident" data-action="open-incident" data-ref="${k}" data-tracking="${escapeHtml(c.unmatchedTracking.join(' '))}">Open an incident from ${c.unmatched === 1 ? 'it' : `these ${c.unmatched}`}</button>`
          : ''}</li>`).join('')
      : '<li class="muted">No resident report in the last 24 hours.</li>')
    deps.hooks.residentReports = { clusters: list.length, drawn, unmatched: list.reduce((n, c) => n + c.unmatched, 0) }
    shownClusters = list
  }

  document.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-action=open-incident],[data-action=close-incident]')
    if (!b) return
    if (b.dataset.action === 'open-incident') {
      const c = shownClusters[Number(b.dataset.ref)]
      if (!c) return
      const tracking = (b.dataset.tracking ?? '').split(' ').filter(Boolean)
      ask({
        title: `Open an incident in ${deps.nameOf(c.neighborhood)}`,
        label: 'What is wrong (residents see the neighborhood and that a reported problem is being worked on; these words stay with engineers)',
        text: `Residents report ${kinds(c)} in ${deps.nameOf(c.neighborhood)}; no AP is seen down`,
        then: async (summary) => void (await deps.api.openIncident({ summary, reports: tracking })),
      }, b)
    } else {
      const id = Number(b.dataset.ref)
      ask({ title: `Close incident #${id}`, label: 'What was done', text: '', then: async (words) => void (await deps.api.closeIncident(id, words)) }, b)
    }
  })

  return {
    draw(next: { incidents: IncidentRow[]; clusters: ReportClusterRow[] }) {
      incidents = next.incidents
      clusters = next.clusters
      drawIncidents()
      drawReports()
    },
  }
}
