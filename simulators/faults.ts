/**
 * Faults on demand. A fault is an interval of simulated time [startMs, endMs) on one
 * device or fiber link; clearing a fault ends it (it stays in the book, so the truth about
 * the past does not change). The simulated state is a pure function of time and this book.
 */

export type FaultType = 'device-down' | 'link-cut' | 'optics-degrade' | 'reboot' | 'slow' | 'malformed'

/** Names people use for the same faults. */
export const FAULT_ALIASES: Record<string, FaultType> = {
  'ap-down': 'device-down',
  down: 'device-down',
  'fiber-cut': 'link-cut',
  cut: 'link-cut',
  'optics-degrading': 'optics-degrade',
  degrade: 'optics-degrade',
}

export const LINK_FAULTS: readonly FaultType[] = ['link-cut', 'optics-degrade']

export interface FaultParams {
  /** slow: answer this many real ms late */
  delayMs?: number
  /** malformed: wrong-typed values or garbage datagrams */
  mode?: 'wrong-type' | 'garbage'
  /** optics-degrade: receive power falls this many dB per simulated hour */
  dbPerHour?: number
  /** optics-degrade: which end loses light ('both' by default) */
  end?: 'a' | 'b' | 'both'
}

export interface Fault {
  id: string
  type: FaultType
  /** device id, or fiber link id for link faults */
  target: string
  startMs: number
  /** null while the fault lasts */
  endMs: number | null
  params: FaultParams
}

export interface FaultInput {
  type: string
  /** device id or link id; `device` and `link` are accepted too */
  target?: string
  device?: string
  link?: string
  /** default: now */
  startMs?: number
  /** end the fault by itself after this much simulated time */
  durationMs?: number
  params?: FaultParams
  delayMs?: number
  mode?: 'wrong-type' | 'garbage'
  dbPerHour?: number
  end?: 'a' | 'b' | 'both'
}

export class FaultError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
    this.name = 'FaultError'
  }
}

export function normalizeFaultType(t: string): FaultType {
  const type = (FAULT_ALIASES[t] ?? t) as FaultType
  const known: FaultType[] = ['device-down', 'link-cut', 'optics-degrade', 'reboot', 'slow', 'malformed']
  if (!known.includes(type)) throw new FaultError(`unknown fault type '${t}' (known: ${known.join(', ')}, aliases: ${Object.keys(FAULT_ALIASES).join(', ')})`, 'CN_ERR_FAULT_TYPE')
  return type
}

export class FaultBook {
  private faults: Fault[] = []
  private seq = 0
  /** bumps on every change, so caches keyed by it go stale */
  version = 0

  constructor(private readonly exists: (type: FaultType, target: string) => boolean) {}

  add(input: FaultInput, nowMs: number): Fault {
    const type = normalizeFaultType(input.type)
    const target = input.target ?? (LINK_FAULTS.includes(type) ? input.link : input.device) ?? input.device ?? input.link
    if (!target) throw new FaultError(`fault '${type}' needs a target (${LINK_FAULTS.includes(type) ? 'a fiber link id' : 'a device id'})`, 'CN_ERR_FAULT_TARGET')
    if (!this.exists(type, target)) {
      throw new FaultError(`fault '${type}': ${LINK_FAULTS.includes(type) ? 'fiber link' : 'device'} '${target}' is not in the simulated inventory`, 'CN_ERR_FAULT_TARGET')
    }
    const params: FaultParams = { ...input.params }
    if (input.delayMs !== undefined) params.delayMs = input.delayMs
    if (input.mode !== undefined) params.mode = input.mode
    if (input.dbPerHour !== undefined) params.dbPerHour = input.dbPerHour
    if (input.end !== undefined) params.end = input.end
    if (type === 'slow' && !(Number(params.delayMs) >= 0)) params.delayMs = 2000
    if (type === 'malformed' && params.mode !== 'garbage') params.mode = 'wrong-type'
    if (type === 'optics-degrade' && !(Number(params.dbPerHour) > 0)) params.dbPerHour = 2
    const startMs = input.startMs ?? nowMs
    const endMs = input.durationMs !== undefined ? startMs + input.durationMs : type === 'reboot' ? startMs : null
    const f: Fault = { id: `f${++this.seq}`, type, target, startMs, endMs, params }
    this.faults.push(f)
    this.version++
    return f
  }

  /** ends a fault now; returns it, or null when there is no such fault */
  clear(id: string, nowMs: number): Fault | null {
    const f = this.faults.find((x) => x.id === id)
    if (!f) return null
    if (f.endMs === null || f.endMs > nowMs) f.endMs = Math.max(f.startMs, nowMs)
    this.version++
    return f
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f, params: { ...f.params } }))
  }

  /** faults of a type on a target that hold at time t */
  active(type: FaultType, target: string, tMs: number): Fault[] {
    const out: Fault[] = []
    for (const f of this.faults) {
      if (f.type !== type || f.target !== target) continue
      if (f.startMs <= tMs && (f.endMs === null || tMs < f.endMs)) out.push(f)
    }
    return out
  }

  /** the latest reboot of a device at or before t, or null */
  lastReboot(device: string, tMs: number): number | null {
    let best: number | null = null
    for (const f of this.faults) if (f.type === 'reboot' && f.target === device && f.startMs <= tMs && (best === null || f.startMs > best)) best = f.startMs
    return best
  }

  /** every time at which some fault starts or ends */
  boundaries(): number[] {
    const out: number[] = []
    for (const f of this.faults) {
      out.push(f.startMs)
      if (f.endMs !== null) out.push(f.endMs)
    }
    return out
  }
}
