/**
 * Rollups computed by the application, so they work on every backend: raw -> 5m -> 1h -> 1d
 * on a node-cron schedule. Each tier keeps a watermark (where its complete buckets end);
 * each run recomputes from min(watermark, now - lateMs) so samples that arrive late (a
 * collector replaying its spool) are folded in. store.rollup() replaces a bucket's rows,
 * so recomputing never doubles anything.
 */
import cron from 'node-cron'
import type { ScheduledTask } from 'node-cron'
import type { Clock } from '../core/clock.ts'
import { ROLLUP_TIERS } from './types.ts'
import type { MetricStore, RollupTier } from './types.ts'
import { floorTo } from './query.ts'

export interface RollupLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface RollupSchedulerConfig {
  clock: Clock
  /** how late a sample may arrive and still be rolled up, ms (e.g. the spool's reach) */
  lateMs: number
  /** node-cron expression of the runs (default every minute: '0 * * * * *') */
  cron?: string
  /** how far back the first run starts when there is no watermark yet, ms (default 2 days) */
  initialLookbackMs?: number
}

export interface RollupScheduler {
  start(): void
  stop(): Promise<void>
  /** one run of every tier, in order; what the schedule calls */
  runNow(): Promise<{ tier: RollupTier; fromMs: number; toMs: number; rows: number }[]>
  /** end of each tier's complete buckets so far (epoch ms) */
  watermarks(): Partial<Record<RollupTier, number>>
}

export function createRollupScheduler(store: MetricStore, config: RollupSchedulerConfig, log: RollupLog): RollupScheduler {
  if (!(config.lateMs >= 0)) throw new RangeError(`lateMs must be >= 0, got ${config.lateMs}`)
  const expr = config.cron ?? '0 * * * * *'
  if (!cron.validate(expr)) throw new RangeError(`rollup cron expression '${expr}' is not valid`)
  const lookbackMs = config.initialLookbackMs ?? 2 * 86_400_000
  const marks: Partial<Record<RollupTier, number>> = {}
  let task: ScheduledTask | undefined
  let running: Promise<unknown> | undefined

  async function runNow() {
    const now = config.clock.now()
    const done: { tier: RollupTier; fromMs: number; toMs: number; rows: number }[] = []
    for (const t of ROLLUP_TIERS) {
      // only buckets that have ended; a lower tier's recomputed buckets fall inside this range
      const to = floorTo(now, t.ms)
      const late = floorTo(now - config.lateMs, t.ms)
      const from = Math.min(marks[t.tier] ?? floorTo(now - lookbackMs, t.ms), late)
      if (to <= from) continue
      const rows = await store.rollup(t.tier, from, to)
      marks[t.tier] = to
      done.push({ tier: t.tier, fromMs: from, toMs: to, rows })
    }
    return done
  }

  return {
    start() {
      if (task) return
      task = cron.schedule(expr, async () => {
        const started = Date.now()
        running = runNow().then(
          (done) => log.info({ tiers: done.map((d) => `${d.tier}:${d.rows}`), tookMs: Date.now() - started }, 'rollups computed'),
          (err: unknown) => log.error({ err }, 'rollup run failed; the next run retries from the same watermark'),
        )
        await running
      }, { name: 'civicnet-rollups', noOverlap: true })
    },
    async stop() {
      if (task) {
        await task.stop()
        await task.destroy()
        task = undefined
      }
      await running
    },
    runNow,
    watermarks: () => ({ ...marks }),
  }
}
