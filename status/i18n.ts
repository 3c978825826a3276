/**
 * The status page's words in English and Spanish (Spanish is Hartford's most spoken
 * language after English), and the choice between them: `?lang=` first, then the
 * browser's Accept-Language (q-values honoured), then English.
 */
import type { IncidentCause, NeighborhoodState, PublicCount } from './index.ts'

export const LANGS = ['en', 'es'] as const
export type Lang = (typeof LANGS)[number]

/** ?lang= wins; else the Accept-Language entry with the highest q among ours; else 'en'. */
export function chooseLang(query: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === 'en' || query === 'es') return query
  let best: { lang: Lang; q: number } | null = null
  for (const part of (acceptLanguage ?? '').slice(0, 500).split(',')) {
    const [tag, ...params] = part.trim().split(';')
    const base = tag!.trim().toLowerCase().split('-')[0]
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qp ? Number(qp.slice(2)) : 1
    if ((base === 'en' || base === 'es') && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang: base, q }
  }
  return best?.lang ?? 'en'
}

export interface Words {
  locale: string
  title: (city: string) => string
  skip: string
  languages: string
  intro: string
  now: string
  state: Record<NeighborhoodState, string>
  stateHelp: Record<NeighborhoodState, string>
  apsOut: (out: PublicCount, total: PublicCount) => string
  uptime: string
  days: (n: number) => string
  since: (date: string) => string
  noData: string
  open: string
  noOpen: string
  cause: Record<IncidentCause, string>
  startedAt: (when: string) => string
  expected: (when: string) => string
  noExpected: string
  resolved: string
  noResolved: string
  resolvedCaption: string
  colNeighborhood: string
  colStarted: string
  colRestore: string
  colAps: string
  colCause: string
  duration: (minutes: number) => string
  updated: (when: string) => string
  method: string
  feed: string
  badges: string
  count: (c: PublicCount) => string
  report: ReportWords
}

export interface ReportWords {
  link: string
  title: string
  intro: string
  where: string
  choose: string
  next: string
  known: (since: string) => string
  notKnown: string
  others: (n: number) => string
  what: string
  kinds: Record<'no-wifi' | 'slow' | 'cant-connect', string>
  near: string
  nearHelp: string
  /** the optional map pin (drawn only where scripts run) */
  pinLegend: string
  pinHelp: string
  pinMap: string
  pinLocate: string
  pinPlaced: string
  pinOutside: string
  pinNoLocation: string
  pinKnown: string
  /** {n}: how many */
  pinOthers: string
  contact: string
  contactHelp: string
  honeypot: string
  send: string
  sentTitle: string
  tracking: (t: string) => string
  keep: string
  attached: (id: number) => string
  state: Record<'open' | 'resolved', string>
  stateLine: (state: string, when: string) => string
  received: (when: string) => string
  back: string
  notFound: string
  errorTitle: string
}

const count = (c: PublicCount, fewer: string) => (c.fewerThan10 ? fewer : String(c.value))

export const WORDS: Record<Lang, Words> = {
  en: {
    locale: 'en-US',
    title: (city) => `${city} public Wi-Fi status`,
    skip: 'Skip to the status',
    languages: 'Language',
    intro: 'Whether the free public Wi-Fi works in each neighborhood it serves, what is being fixed, and how often it has been up.',
    now: 'Right now',
    state: { working: 'Working', partial: 'Partial outage', outage: 'Outage' },
    stateHelp: { working: 'every access point is working', partial: 'some access points are out', outage: 'half or more of the access points are out' },
    apsOut: (out, total) => `${count(out, 'fewer than 10')} of ${count(total, 'fewer than 10')} access points out`,
    uptime: 'Uptime',
    days: (n) => `last ${n} days`,
    since: (date) => `(data since ${date})`,
    noData: 'no data yet',
    open: 'Problems being fixed',
    noOpen: 'No known problems.',
    cause: { fiber: 'A fiber line is damaged', equipment: 'Network equipment failed', 'access-point': 'An access point failed', reported: 'Residents reported a problem we are working on' },
    startedAt: (when) => `Since ${when}`,
    expected: (when) => `Expected back by ${when}`,
    noExpected: 'No restore time yet: crews are working on it.',
    resolved: 'Resolved in the last 90 days',
    noResolved: 'No problems in the last 90 days.',
    resolvedCaption: 'Problems resolved in the last 90 days, newest first',
    colNeighborhood: 'Neighborhood',
    colStarted: 'Started',
    colRestore: 'Time to restore',
    colAps: 'Access points out',
    colCause: 'Cause',
    duration: (m) => (m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`),
    updated: (when) => `Updated ${when}. Reload the page for the newest status.`,
    method:
      'How we count: an access point is out when it misses its checks in a row; a neighborhood has an outage when half or more of its access points are out. Uptime is the share of time its access points were up, over the time we could check them. Counts under 10 are shown as "fewer than 10". No addresses or equipment names are shown.',
    feed: 'Follow updates (Atom feed)',
    badges: 'Status badges for each neighborhood',
    count: (c) => count(c, 'fewer than 10'),
    report: {
      link: 'Report a problem',
      title: 'Report a Wi-Fi problem',
      intro: 'Tell us where the free Wi-Fi does not work. No account is needed and no personal data: a contact is optional and never shown.',
      where: 'Neighborhood',
      choose: 'Choose the neighborhood',
      next: 'Check and continue',
      known: (since) => `This problem is already known: crews have been working on it since ${since}. Your report will be added to it.`,
      notKnown: 'No problem is known here yet.',
      others: (n) => (n === 1 ? '1 other person reported a problem here in the last hour.' : `${n} others reported a problem here in the last hour.`),
      what: 'What is wrong?',
      kinds: { 'no-wifi': 'No Wi-Fi here', slow: 'The Wi-Fi is slow', 'cant-connect': 'I see the network but cannot connect' },
      near: 'Where exactly (optional)',
      nearHelp: 'A street corner or a landmark, up to 120 characters.',
      pinLegend: 'On the map (optional)',
      pinHelp: 'Tap the map where the problem is, or use your location. The point is never shown to anyone else.',
      pinMap: 'Map of the neighborhood: tap to place the pin',
      pinLocate: 'Use my location',
      pinPlaced: 'Pin placed.',
      pinOutside: 'That point is outside this neighborhood: place the pin inside the outlined area.',
      pinNoLocation: 'Your location could not be read: tap the map instead.',
      pinKnown: 'A problem is already known here: your report will be added to it.',
      pinOthers: '{n} other report(s) near here in the last hour.',
      contact: 'How to reach you (optional)',
      contactHelp: 'E-mail or phone, only if you want an answer. Never shown to anyone else.',
      honeypot: 'Leave this field empty',
      send: 'Send the report',
      sentTitle: 'Thank you: your report is in',
      tracking: (t) => `Your tracking number is ${t}.`,
      keep: 'Keep this page or the number to see what happens with it.',
      attached: (id) => `It is part of known problem #${id}, and will be closed when that is fixed.`,
      state: { open: 'open', resolved: 'resolved' },
      stateLine: (state, when) => `Status: ${state} (${when}).`,
      received: (when) => `Received ${when}`,
      back: 'Back to the status page',
      notFound: 'No report has this tracking number.',
      errorTitle: 'The report could not be sent',
    },
  },
  es: {
    locale: 'es-US',
    title: (city) => `Estado del Wi-Fi público de ${city}`,
    skip: 'Ir al estado',
    languages: 'Idioma',
    intro: 'Si el Wi-Fi público gratuito funciona en cada vecindario donde llega, qué se está reparando y cuánto tiempo ha funcionado.',
    now: 'Ahora',
    state: { working: 'Funciona', partial: 'Falla parcial', outage: 'Sin servicio' },
    stateHelp: { working: 'todos los puntos de acceso funcionan', partial: 'algunos puntos de acceso no funcionan', outage: 'la mitad o más de los puntos de acceso no funcionan' },
    apsOut: (out, total) => `${count(out, 'menos de 10')} de ${count(total, 'menos de 10')} puntos de acceso sin servicio`,
    uptime: 'Disponibilidad',
    days: (n) => `últimos ${n} días`,
    since: (date) => `(datos desde ${date})`,
    noData: 'aún sin datos',
    open: 'Problemas en reparación',
    noOpen: 'No hay problemas conocidos.',
    cause: { fiber: 'Una línea de fibra está dañada', equipment: 'Falló un equipo de la red', 'access-point': 'Falló un punto de acceso', reported: 'Residentes reportaron un problema que estamos atendiendo' },
    startedAt: (when) => `Desde ${when}`,
    expected: (when) => `Se espera que vuelva antes de ${when}`,
    noExpected: 'Aún no hay hora estimada: el equipo está trabajando en ello.',
    resolved: 'Resueltos en los últimos 90 días',
    noResolved: 'No hubo problemas en los últimos 90 días.',
    resolvedCaption: 'Problemas resueltos en los últimos 90 días, del más reciente al más antiguo',
    colNeighborhood: 'Vecindario',
    colStarted: 'Comenzó',
    colRestore: 'Tiempo hasta reparar',
    colAps: 'Puntos de acceso sin servicio',
    colCause: 'Causa',
    duration: (m) => (m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`),
    updated: (when) => `Actualizado ${when}. Vuelva a cargar la página para ver el estado más reciente.`,
    method:
      'Cómo contamos: un punto de acceso está sin servicio cuando falla sus revisiones seguidas; un vecindario está sin servicio cuando la mitad o más de sus puntos de acceso no funcionan. La disponibilidad es la parte del tiempo en que sus puntos de acceso funcionaron, sobre el tiempo en que pudimos revisarlos. Las cifras menores de 10 se muestran como "menos de 10". No se muestran direcciones ni nombres de equipos.',
    feed: 'Seguir las novedades (canal Atom)',
    badges: 'Insignias de estado de cada vecindario',
    count: (c) => count(c, 'menos de 10'),
    report: {
      link: 'Reportar un problema',
      title: 'Reportar un problema con el Wi-Fi',
      intro: 'Díganos dónde no funciona el Wi-Fi gratuito. No necesita cuenta ni datos personales: el contacto es opcional y nunca se muestra.',
      where: 'Vecindario',
      choose: 'Elija el vecindario',
      next: 'Revisar y continuar',
      known: (since) => `Este problema ya se conoce: el equipo trabaja en él desde ${since}. Su reporte se sumará a él.`,
      notKnown: 'Todavía no se conoce ningún problema aquí.',
      others: (n) => (n === 1 ? 'Otra persona reportó un problema aquí en la última hora.' : `Otras ${n} personas reportaron un problema aquí en la última hora.`),
      what: '¿Qué pasa?',
      kinds: { 'no-wifi': 'No hay Wi-Fi aquí', slow: 'El Wi-Fi está lento', 'cant-connect': 'Veo la red pero no puedo conectarme' },
      near: 'Dónde exactamente (opcional)',
      nearHelp: 'Una esquina o un lugar conocido, hasta 120 caracteres.',
      pinLegend: 'En el mapa (opcional)',
      pinHelp: 'Toque el mapa donde está el problema, o use su ubicación. El punto nunca se muestra a nadie más.',
      pinMap: 'Mapa del vecindario: toque para marcar el punto',
      pinLocate: 'Usar mi ubicación',
      pinPlaced: 'Punto marcado.',
      pinOutside: 'Ese punto está fuera de este vecindario: marque el punto dentro del área delineada.',
      pinNoLocation: 'No se pudo leer su ubicación: toque el mapa.',
      pinKnown: 'Ya se conoce un problema aquí: su reporte se sumará a él.',
      pinOthers: '{n} reporte(s) más cerca de aquí en la última hora.',
      contact: 'Cómo contactarle (opcional)',
      contactHelp: 'Correo o teléfono, solo si quiere una respuesta. Nunca se muestra a nadie más.',
      honeypot: 'Deje este campo vacío',
      send: 'Enviar el reporte',
      sentTitle: 'Gracias: recibimos su reporte',
      tracking: (t) => `Su número de seguimiento es ${t}.`,
      keep: 'Guarde esta página o el número para ver qué pasa con su reporte.',
      attached: (id) => `Es parte del problema conocido n.º ${id} y se cerrará cuando se repare.`,
      state: { open: 'abierto', resolved: 'resuelto' },
      stateLine: (state, when) => `Estado: ${state} (${when}).`,
      received: (when) => `Recibido ${when}`,
      back: 'Volver a la página de estado',
      notFound: 'Ningún reporte tiene este número de seguimiento.',
      errorTitle: 'No se pudo enviar el reporte',
    },
  },
}

/** A moment in the city's zone, in the language's words: "Dec 1, 2026, 2:37 PM EST". */
export function formatWhen(ms: number, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(WORDS[lang].locale, { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(ms)
}
export function formatDay(ms: number, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(WORDS[lang].locale, { timeZone, dateStyle: 'medium' }).format(ms)
}
