/**
 * Time as a dependency. Production uses the wall clock; the simulated city runs a faster
 * clock shared by the simulators and the collector in the same process, so a simulated
 * day passes in minutes through the real SNMP path.
 */
export interface Clock {
  /** current time, epoch ms (simulated time for a simulated clock) */
  now(): number
  /** how many simulated ms pass per real ms (1 for the wall clock) */
  readonly speed: number
  /** run fn after `ms` of this clock's time; returns a cancel function */
  after(ms: number, fn: () => void): () => void
}

export const wallClock: Clock = {
  now: () => Date.now(),
  speed: 1,
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms))
    return () => clearTimeout(t)
  },
}

/** A clock that starts at `startMs` and runs `speed` times faster than real time. */
export function fastClock(startMs: number, speed: number): Clock {
  if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`)
  const realStart = Date.now()
  const now = () => startMs + (Date.now() - realStart) * speed
  return {
    now,
    speed,
    after(ms, fn) {
      const t = setTimeout(fn, Math.max(0, ms / speed))
      return () => clearTimeout(t)
    },
  }
}

/**
 * A clock that stands still at a time the caller sets until it is released, then follows
 * the wall clock. The demo uses it to fill history through the real SNMP path: it sets
 * the simulated city's time to each past step, polls every agent, and at the end releases
 * the clock to live time. Timers wait for real time (they are only used once live).
 */
export interface SteppedClock extends Clock {
  /** sets the time (ms) while the clock is held; throws once released */
  set(ms: number): void
  /** from now on the clock is the wall clock */
  release(): void
  readonly held: boolean
}

export function steppedClock(startMs: number): SteppedClock {
  let t: number | null = startMs
  return {
    speed: 1,
    now: () => (t === null ? Date.now() : t),
    get held() {
      return t !== null
    },
    set(ms) {
      if (t === null) throw new Error('stepped clock was released: it follows the wall clock now')
      t = ms
    },
    release() {
      t = null
    },
    after: wallClock.after,
  }
}

/** A clock tests move by hand, so what they read and what they compare agree exactly. */
export interface ManualClock extends Clock {
  /** moves time forward by ms and runs every `after` callback that falls due */
  advance(ms: number): void
  /** sets the time (either way); callbacks that fall due run */
  set(ms: number): void
}

export function manualClock(startMs: number): ManualClock {
  let now = startMs
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  const fire = () => {
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) return
      timers.delete(due[0])
      due[1].fn()
    }
  }
  return {
    now: () => now,
    speed: 1,
    after(ms, fn) {
      const id = ++seq
      timers.set(id, { at: now + Math.max(0, ms), fn })
      return () => timers.delete(id)
    },
    advance(ms) {
      now += ms
      fire()
    },
    set(ms) {
      now = ms
      fire()
    },
  }
}
