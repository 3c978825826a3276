/**
 * A bounded on-disk spool for samples the store could not take. Append-only segment files
 * of JSON lines (`seg-<seq>.jsonl`) under one directory, written synchronously so a sample
 * the writer accepted survives a crash. Replay reads the oldest segment first; a segment is
 * deleted only after the store acknowledged every line of it (commit), and the number of
 * acknowledged lines is kept beside it (`seg-<seq>.acked`) so a replay cut short, even by a
 * crash, resumes after the last acknowledged chunk instead of writing it again.
 * When the spool is full the oldest segment is dropped, with a warning and a counter: an
 * outage longer than the spool can hold loses its oldest samples, never the newest.
 * Samples the store rejects as malformed are set aside in `rejected.jsonl` beside the
 * segments (each line a sample and the store's reason), never replayed.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Sample } from '../core/metrics.ts'

export interface SpoolConfig {
  /** directory of the segment files, e.g. data/spool */
  dir: string
  /** the spool's size limit, bytes (default 256 MiB); the oldest segments go first */
  maxBytes?: number
  /** a segment is sealed and a new one begun past this size, bytes (default 4 MiB) */
  segmentBytes?: number
  /** size limit of the rejected file (samples the store refuses as malformed), bytes (default 16 MiB) */
  rejectedMaxBytes?: number
}

export interface SpoolSegment {
  /** segment sequence number */
  seq: number
  /** the segment's samples not yet acknowledged, in the order they were appended */
  samples: Sample[]
  /** lines of the segment already acknowledged in an earlier, interrupted replay */
  ackedLines: number
}

export interface SpoolStats {
  bytes: number
  segments: number
  /** samples appended since start */
  appendedSamples: number
  /** samples lost because the spool was full */
  droppedSamples: number
  droppedSegments: number
  /** unreadable lines skipped (a line torn by a crash mid-append) */
  corruptLines: number
  /** samples written to the rejected file since start */
  rejectedSaved: number
  /** rejected samples not written there because it had reached rejectedMaxBytes */
  rejectedUnsaved: number
}

export interface Spool {
  append(samples: readonly Sample[]): void
  /** true when no sample waits */
  isEmpty(): boolean
  /** the oldest segment (sealing the one being appended to, so appends never race a replay) */
  oldest(): SpoolSegment | undefined
  /** records that the first `lines` lines of segment `seq` (counting earlier acks) are stored */
  ack(seq: number, lines: number): void
  /** the store has every line of segment `seq`: delete it */
  commit(seq: number): void
  /**
   * Sets aside samples the store rejects as malformed, with the reason, in `rejected.jsonl`
   * (never replayed; for a person to inspect). Bounded by `rejectedMaxBytes`: past it the
   * samples are only counted (`stats().rejectedUnsaved`).
   */
  setAside(samples: readonly Sample[], reason: string): void
  stats(): SpoolStats
}

const SEG = /^seg-(\d{12})\.jsonl$/
/** not a segment (SEG does not match it): never replayed */
export const REJECTED_FILE = 'rejected.jsonl'
const line = (s: Sample) => JSON.stringify({ m: s.metric, d: s.device, n: s.neighborhood, i: s.instance, v: s.value, t: s.timeMs })
const name = (seq: number) => `seg-${String(seq).padStart(12, '0')}.jsonl`

export function createSpool(config: SpoolConfig, deps: { log: Logger }): Spool {
  const { dir } = config
  const maxBytes = config.maxBytes ?? 256 * 1024 * 1024
  const segmentBytes = Math.min(config.segmentBytes ?? 4 * 1024 * 1024, maxBytes)
  mkdirSync(dir, { recursive: true })

  // Segments left by an earlier run (a crash, or a stop while the store was down) are
  // replayed first; appends always go to a fresh segment after them.
  const sizes = new Map<number, number>()
  for (const f of readdirSync(dir)) {
    const m = SEG.exec(f)
    if (m) sizes.set(Number(m[1]), statSync(join(dir, f)).size)
  }
  let nextSeq = Math.max(0, ...sizes.keys()) + 1
  let active: number | undefined
  const rejectedMaxBytes = config.rejectedMaxBytes ?? 16 * 1024 * 1024
  let rejectedBytes = 0
  try {
    rejectedBytes = statSync(join(dir, REJECTED_FILE)).size
  } catch {
    /* none yet */
  }
  const stats: SpoolStats = { bytes: 0, segments: 0, appendedSamples: 0, droppedSamples: 0, droppedSegments: 0, corruptLines: 0, rejectedSaved: 0, rejectedUnsaved: 0 }
  const total = () => [...sizes.values()].reduce((a, b) => a + b, 0)
  if (sizes.size > 0) deps.log.info({ dir, segments: sizes.size, bytes: total() }, 'spool has samples from an earlier run')

  function readAcked(seq: number): number {
    try {
      return Number(readFileSync(join(dir, name(seq).replace('.jsonl', '.acked')), 'utf8')) || 0
    } catch {
      return 0
    }
  }

  function drop(seq: number) {
    const file = join(dir, name(seq))
    let lines = 0
    try {
      const text = readFileSync(file, 'utf8')
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++
      lines -= readAcked(seq)
    } catch {
      /* already gone */
    }
    rmSync(file, { force: true })
    rmSync(file.replace('.jsonl', '.acked'), { force: true })
    sizes.delete(seq)
    if (active === seq) active = undefined
    stats.droppedSamples += Math.max(0, lines)
    stats.droppedSegments++
    deps.log.warn({ dir, segment: seq, droppedSamples: lines, totalDroppedSamples: stats.droppedSamples, maxBytes }, 'spool full: dropped its oldest segment')
  }

  return {
    append(samples) {
      if (samples.length === 0) return
      let text = ''
      for (const s of samples) {
        text += line(s) + '\n'
      }
      const bytes = Buffer.byteLength(text)
      if (active === undefined || (sizes.get(active) ?? 0) + bytes > segmentBytes) {
        if (active === undefined || (sizes.get(active) ?? 0) > 0) active = nextSeq++
        sizes.set(active, sizes.get(active) ?? 0)
      }
      // Make room: drop the oldest segments (never the one being written) until this fits.
      while (total() + bytes > maxBytes) {
        const oldest = Math.min(...[...sizes.keys()].filter((s) => s !== active))
        if (!Number.isFinite(oldest)) break
        drop(oldest)
      }
      appendFileSync(join(dir, name(active)), text)
      sizes.set(active, (sizes.get(active) ?? 0) + bytes)
      stats.appendedSamples += samples.length
    },
    isEmpty: () => [...sizes.values()].every((b) => b === 0),
    oldest() {
      if (sizes.size === 0) return undefined
      const seq = Math.min(...sizes.keys())
      if (seq === active) active = undefined // sealed: later appends start a new segment
      let text: string
      try {
        text = readFileSync(join(dir, name(seq)), 'utf8')
      } catch {
        sizes.delete(seq)
        return this.oldest()
      }
      const acked = readAcked(seq)
      const samples: Sample[] = []
      const lines = text.split('\n')
      for (let i = acked; i < lines.length; i++) {
        const line = lines[i]!
        if (line === '') continue
        try {
          const o = JSON.parse(line) as { m: string; d: string; n: string; i: string; v: number; t: number }
          samples.push({ metric: o.m, device: o.d, neighborhood: o.n, instance: o.i, value: o.v, timeMs: o.t })
        } catch {
          stats.corruptLines++
          deps.log.warn({ dir, segment: seq, line: i + 1 }, 'spool: skipped an unreadable line')
        }
      }
      return { seq, samples, ackedLines: acked }
    },
    ack(seq, lines) {
      writeFileSync(join(dir, name(seq).replace('.jsonl', '.acked')), String(lines))
    },
    commit(seq) {
      rmSync(join(dir, name(seq)), { force: true })
      rmSync(join(dir, name(seq).replace('.jsonl', '.acked')), { force: true })
      sizes.delete(seq)
      if (active === seq) active = undefined
    },
    setAside(samples, reason) {
      if (samples.length === 0) return
      let text = ''
      for (const s of samples) text += line(s).slice(0, -1) + `,"reason":${JSON.stringify(reason)}}\n`
      const bytes = Buffer.byteLength(text)
      if (rejectedBytes + bytes > rejectedMaxBytes) {
        stats.rejectedUnsaved += samples.length
        return
      }
      appendFileSync(join(dir, REJECTED_FILE), text)
      rejectedBytes += bytes
      stats.rejectedSaved += samples.length
    },
    stats: () => ({ ...stats, bytes: total(), segments: sizes.size }),
  }
}
