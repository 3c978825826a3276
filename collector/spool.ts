/**
 * A bounded on-disk spool for samples and station sightings the store could not take. Append-only segment files
 * of JSON lines (`seg-<seq>.jsonl`) under one directory, written synchronously so a sample
 * the writer accepted survives a crash. Replay reads the oldest segment first; a segment is
 * deleted only after the store acknowledged every line of it (commit), and the number of
 * acknowledged lines is kept beside it (`seg-<seq>.acked`) so a replay cut short, even by a
 * crash, resumes after the last acknowledged chunk instead of writing it again.
 * When the spool is full the oldest segment is dropped, with a warning and a counter: an
 * outage longer than the spool can hold loses its oldest samples, never the newest.
 * Samples the store rejects as malformed are set aside in `rejected.jsonl` beside the
 * segments (each line a sample and the store's reason), never replayed.
 * A sighting's line holds its scope, period, device, neighborhood, digest and randomized
 * flag: digests, never a MAC (there is none past collector/privacy.ts).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Sample, StationSighting } from '../core/metrics.ts'

/** What the spool keeps: samples and station sightings, in the order they were appended. */
export type SpoolRecord = Sample | StationSighting
export const isSighting = (r: SpoolRecord): r is StationSighting => 'digest' in r

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
  /** the segment's records (samples and sightings) not yet acknowledged, in the order they were appended */
  records: SpoolRecord[]
  /** the samples among them */
  samples: Sample[]
  /** lines of the segment already acknowledged in an earlier, interrupted replay */
  ackedLines: number
}

export interface SpoolStats {
  bytes: number
  segments: number
  /** samples waiting in the spool now: appended, not yet acknowledged by the store, not dropped */
  samples: number
  /** station sightings waiting in the spool now */
  sightings: number
  /** samples appended since start */
  appendedSamples: number
  /** sightings appended since start */
  appendedSightings: number
  /** samples lost because the spool was full */
  droppedSamples: number
  /** sightings lost because the spool was full */
  droppedSightings: number
  droppedSegments: number
  /** unreadable lines skipped (a line torn by a crash mid-append) */
  corruptLines: number
  /** records (samples, sightings) written to the rejected file since start */
  rejectedSaved: number
  /** rejected records not written there because it had reached rejectedMaxBytes */
  rejectedUnsaved: number
}

export interface Spool {
  append(records: readonly SpoolRecord[]): void
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
  setAside(records: readonly SpoolRecord[], reason: string): void
  stats(): SpoolStats
}

const SEG = /^seg-(\d{12})\.jsonl$/
/** not a segment (SEG does not match it): never replayed */
export const REJECTED_FILE = 'rejected.jsonl'

/** What a spool dir holds without opening it as a spool: segments waiting, their bytes, and the set-aside file's bytes (all 0 when there is no dir). */
export function scanSpool(dir: string): { segments: number; bytes: number; rejectedBytes: number } {
  const out = { segments: 0, bytes: 0, rejectedBytes: 0 }
  if (!existsSync(dir)) return out
  for (const f of readdirSync(dir)) {
    if (SEG.test(f)) {
      out.segments++
      out.bytes += statSync(join(dir, f)).size
    } else if (f === REJECTED_FILE) out.rejectedBytes = statSync(join(dir, f)).size
  }
  return out
}
const SIGHTING_LINE = '{"k":"s",'
const line = (r: SpoolRecord) => isSighting(r)
  ? JSON.stringify({ k: 's', s: r.scope, p: r.period, d: r.device, n: r.neighborhood, g: r.digest, r: r.randomized ? 1 : 0 })
  : JSON.stringify({ m: r.metric, d: r.device, n: r.neighborhood, i: r.instance, v: r.value, t: r.timeMs })
function parseLine(text: string): SpoolRecord {
  const o = JSON.parse(text) as Record<string, unknown>
  if (o.k === 's') {
    return { scope: o.s as StationSighting['scope'], period: o.p as string, device: o.d as string, neighborhood: o.n as string, digest: o.g as string, randomized: o.r === 1 }
  }
  if (typeof o.m !== 'string') throw new SyntaxError('not a spool line')
  return { metric: o.m, device: o.d as string, neighborhood: o.n as string, instance: o.i as string, value: o.v as number, timeMs: o.t as number }
}
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
  const stats: SpoolStats = {
    bytes: 0, segments: 0, samples: 0, sightings: 0, appendedSamples: 0, appendedSightings: 0, droppedSamples: 0, droppedSightings: 0, droppedSegments: 0, corruptLines: 0, rejectedSaved: 0, rejectedUnsaved: 0,
  }
  const total = () => [...sizes.values()].reduce((a, b) => a + b, 0)
  // What each segment still holds for the store (its lines after the acknowledged ones),
  // so the spool_samples self-metric and the scrape say how many samples wait, not bytes.
  const waiting = new Map<number, { samples: number; sightings: number }>()
  const sumWaiting = (k: 'samples' | 'sightings') => [...waiting.values()].reduce((a, w) => a + w[k], 0)
  if (sizes.size > 0) deps.log.info({ dir, segments: sizes.size, bytes: total() }, 'spool has samples or sightings from an earlier run')

  function readAcked(seq: number): number {
    try {
      return Number(readFileSync(join(dir, name(seq).replace('.jsonl', '.acked')), 'utf8')) || 0
    } catch {
      return 0
    }
  }

  /** samples and sightings in segment `seq` after its acknowledged lines */
  function unacked(seq: number): { samples: number; sightings: number } {
    let samples = 0
    let sightings = 0
    try {
      const lines = readFileSync(join(dir, name(seq)), 'utf8').split('\n')
      for (let i = readAcked(seq); i < lines.length; i++) {
        if (lines[i] === '') continue
        if (lines[i]!.startsWith(SIGHTING_LINE)) sightings++
        else samples++
      }
    } catch {
      /* already gone */
    }
    return { samples, sightings }
  }
  for (const seq of sizes.keys()) waiting.set(seq, unacked(seq))

  /**
   * For the segment oldest() last read: samples and sightings from each line to its end, so
   * ack() knows what still waits without reading the segment again.
   */
  let readTail: { seq: number; samples: Int32Array; sightings: Int32Array } | undefined

  function drop(seq: number) {
    const file = join(dir, name(seq))
    const { samples, sightings } = waiting.get(seq) ?? unacked(seq)
    waiting.delete(seq)
    rmSync(file, { force: true })
    rmSync(file.replace('.jsonl', '.acked'), { force: true })
    sizes.delete(seq)
    if (active === seq) active = undefined
    stats.droppedSamples += samples
    stats.droppedSightings += sightings
    stats.droppedSegments++
    deps.log.warn({ dir, segment: seq, droppedSamples: samples, droppedSightings: sightings, totalDroppedSamples: stats.droppedSamples, maxBytes }, 'spool full: dropped its oldest segment')
  }

  return {
    append(records) {
      if (records.length === 0) return
      let text = ''
      let sightings = 0
      for (const r of records) {
        text += line(r) + '\n'
        if (isSighting(r)) sightings++
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
      const w = waiting.get(active) ?? { samples: 0, sightings: 0 }
      waiting.set(active, { samples: w.samples + records.length - sightings, sightings: w.sightings + sightings })
      stats.appendedSamples += records.length - sightings
      stats.appendedSightings += sightings
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
        waiting.delete(seq)
        return this.oldest()
      }
      const acked = readAcked(seq)
      const records: SpoolRecord[] = []
      const lines = text.split('\n')
      const tail = { seq, samples: new Int32Array(lines.length + 1), sightings: new Int32Array(lines.length + 1) }
      for (let i = lines.length - 1; i >= 0; i--) {
        const kind = lines[i] === '' ? 0 : lines[i]!.startsWith(SIGHTING_LINE) ? 1 : 2
        tail.sightings[i] = tail.sightings[i + 1]! + (kind === 1 ? 1 : 0)
        tail.samples[i] = tail.samples[i + 1]! + (kind === 2 ? 1 : 0)
      }
      readTail = tail
      for (let i = acked; i < lines.length; i++) {
        const line = lines[i]!
        if (line === '') continue
        try {
          records.push(parseLine(line))
        } catch {
          stats.corruptLines++
          deps.log.warn({ dir, segment: seq, line: i + 1 }, 'spool: skipped an unreadable line')
        }
      }
      return { seq, records, samples: records.filter((r): r is Sample => !isSighting(r)), ackedLines: acked }
    },
    ack(seq, lines) {
      writeFileSync(join(dir, name(seq).replace('.jsonl', '.acked')), String(lines))
      const t = readTail?.seq === seq ? readTail : undefined
      const at = Math.min(lines, (t?.samples.length ?? 1) - 1)
      waiting.set(seq, t ? { samples: t.samples[at]!, sightings: t.sightings[at]! } : unacked(seq))
    },
    commit(seq) {
      rmSync(join(dir, name(seq)), { force: true })
      rmSync(join(dir, name(seq).replace('.jsonl', '.acked')), { force: true })
      sizes.delete(seq)
      waiting.delete(seq)
      if (active === seq) active = undefined
    },
    setAside(records, reason) {
      if (records.length === 0) return
      let text = ''
      for (const r of records) text += line(r).slice(0, -1) + `,"reason":${JSON.stringify(reason)}}\n`
      const bytes = Buffer.byteLength(text)
      if (rejectedBytes + bytes > rejectedMaxBytes) {
        stats.rejectedUnsaved += records.length
        return
      }
      appendFileSync(join(dir, REJECTED_FILE), text)
      rejectedBytes += bytes
      stats.rejectedSaved += records.length
    },
    stats: () => ({ ...stats, bytes: total(), segments: sizes.size, samples: sumWaiting('samples'), sightings: sumWaiting('sightings') }),
  }
}
