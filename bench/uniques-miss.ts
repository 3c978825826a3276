/**
 * What polling misses: the share of the true daily unique clients that station-table
 * snapshots taken every P minutes see, against the simulator's ground truth (the model's
 * minute-by-minute presence, which simulators/truth.ts uniqueClients counts), on the
 * calibrated Hartford city. For each local day, each poll interval P and each phase of the
 * polls within P (every phase, so the figure holds wherever a collector's offset falls), a
 * client counts as seen on an AP, in a neighborhood or in the city when it was associated
 * there at one of the polled minutes.
 *
 *   node --import tsx bench/uniques-miss.ts [days=7] [seed=1] [first local day=2026-11-09]
 *
 * Prints a JSON table (miss = 1 - seen / truth: mean over phases and groups, the worst of any
 * phase and group) for uniques/miss-bound.ts and docs/PERFORMANCE.md. Groups with fewer than
 * 20 true clients are left out of the per-AP worst case (one client is 5 %).
 */
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { FaultBook } from '../simulators/faults.ts'
import { DEFAULT_MODEL_OPTIONS, MINUTE_MS, createModel } from '../simulators/model.ts'
import { nextDate, startOfLocalDate } from '../core/calendar.ts'

const INTERVALS_MIN = [1, 5, 10, 60]
const MIN_TRUTH_FOR_WORST = 20

export interface MissRow {
  intervalMin: number
  level: 'ap' | 'neighborhood' | 'city'
  /** group-days compared (phases not counted) */
  groupDays: number
  meanMiss: number
  worstMiss: number
}

export function measureMiss(opts: { days: number; seed: number; firstDay: string }): { rows: MissRow[]; truthDailyCity: number[]; calibration: string } {
  const inv = hartfordInventory(opts.seed)
  const tz = inv.city.timezone
  const firstStart = startOfLocalDate(opts.firstDay, tz)
  const model = createModel(inv, { ...DEFAULT_MODEL_OPTIONS, seed: opts.seed, originMs: firstStart, timezone: tz }, new FaultBook(() => true))
  const nbOfAp = model.topo.aps.map((a) => model.topo.neighborhoodOf.get(a.id) ?? '')
  const nbIndex = new Map([...new Set(nbOfAp)].sort().map((n, i) => [n, i]))
  const apNb = nbOfAp.map((n) => nbIndex.get(n)!)
  const nNb = nbIndex.size
  const phases = INTERVALS_MIN.reduce((a, p) => a + p, 0)
  const offset = INTERVALS_MIN.map((_, i) => INTERVALS_MIN.slice(0, i).reduce((a, p) => a + p, 0))

  type Acc = { n: number; sum: number; worst: number }
  const acc = new Map<string, Acc>()
  const add = (p: number, level: MissRow['level'], miss: number, truth: number) => {
    const k = `${p} ${level}`
    const a = acc.get(k) ?? { n: 0, sum: 0, worst: 0 }
    a.n++
    a.sum += miss
    if (level !== 'ap' || truth >= MIN_TRUTH_FOR_WORST) a.worst = Math.max(a.worst, miss)
    acc.set(k, a)
  }
  const truthDailyCity: number[] = []

  let day = opts.firstDay
  for (let d = 0; d < opts.days; d++, day = nextDate(day)) {
    const m0 = startOfLocalDate(day, tz) / MINUTE_MS
    const m1 = startOfLocalDate(nextDate(day), tz) / MINUTE_MS
    // per group key: one flag per (interval, phase): was the client there at a polled minute
    const maps = { ap: new Map<number, Uint8Array>(), neighborhood: new Map<number, Uint8Array>(), city: new Map<number, Uint8Array>() }
    const mark = (m: Map<number, Uint8Array>, key: number, minute: number) => {
      let f = m.get(key)
      if (!f) m.set(key, (f = new Uint8Array(phases)))
      for (let i = 0; i < INTERVALS_MIN.length; i++) f[offset[i]! + (minute % INTERVALS_MIN[i]!)] = 1
    }
    const nClients = model.clients.length
    for (let m = m0; m < m1; m++) {
      const st = model.minute(m)
      for (let j = 0; j < st.clients.length; j++) {
        const c = st.clients[j]!
        const ap = st.ap[j]!
        mark(maps.ap, ap * nClients + c, m)
        mark(maps.neighborhood, apNb[ap]! * nClients + c, m)
        mark(maps.city, c, m)
      }
    }
    truthDailyCity.push(maps.city.size)
    for (const level of ['ap', 'neighborhood', 'city'] as const) {
      const groups = new Map<number, Uint8Array[]>()
      for (const [key, f] of maps[level]) {
        const g = level === 'city' ? 0 : Math.floor(key / nClients)
        let list = groups.get(g)
        if (!list) groups.set(g, (list = []))
        list.push(f)
      }
      for (const list of groups.values()) {
        for (let i = 0; i < INTERVALS_MIN.length; i++) {
          const p = INTERVALS_MIN[i]!
          for (let ph = 0; ph < p; ph++) {
            let seen = 0
            for (const f of list) seen += f[offset[i]! + ph]!
            add(p, level, 1 - seen / list.length, list.length)
          }
        }
      }
    }
    void nNb
  }
  const rows: MissRow[] = []
  for (const p of INTERVALS_MIN) {
    for (const level of ['ap', 'neighborhood', 'city'] as const) {
      const a = acc.get(`${p} ${level}`)!
      rows.push({ intervalMin: p, level, groupDays: Math.round(a.n / p), meanMiss: round(a.sum / a.n), worstMiss: round(a.worst) })
    }
  }
  const o = DEFAULT_MODEL_OPTIONS as unknown as Record<string, unknown>
  const calibration = Object.keys(o).filter((k) => typeof o[k] === 'number').map((k) => `${k}=${String(o[k])}`).join(' ')
  return { rows, truthDailyCity, calibration }
}

const round = (x: number) => Math.round(x * 1e5) / 1e5

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/run.ts')) {
  const [days = '7', seed = '1', firstDay = '2026-11-09'] = process.argv.slice(2)
  const t0 = Date.now()
  const r = measureMiss({ days: Number(days), seed: Number(seed), firstDay })
  console.log(JSON.stringify({ seed: Number(seed), firstDay, days: Number(days), calibration: r.calibration, truthDailyCity: r.truthDailyCity, rows: r.rows }, null, 1))
  console.error(`measured in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}
