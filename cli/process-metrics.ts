/**
 * The process's own metrics for a scrape, in the names Prometheus's client libraries use
 * (process_*, nodejs_*), so existing dashboards and alerts read them unchanged: CPU seconds,
 * resident memory, heap, start time, and the event loop's lag (perf_hooks'
 * monitorEventLoopDelay, 20 ms resolution, since the previous scrape).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import type { MetricFamily } from '../core/prometheus.ts'

export interface ProcessMetrics {
  families(): MetricFamily[]
  /** stops the event-loop sampler */
  stop(): void
}

export function createProcessMetrics(): ProcessMetrics {
  const startS = Math.round(Date.now() / 1000 - process.uptime())
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 })
  loop.enable()
  const g = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'gauge', samples: [{ value }] })
  return {
    families() {
      const cpu = process.cpuUsage()
      const mem = process.memoryUsage()
      // the sampler's delays are ns; none recorded yet reads NaN, said as 0
      const s = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0)
      const lag = [s(loop.mean), s(loop.percentile(99)), s(loop.max)]
      loop.reset()
      return [
        { name: 'process_cpu_user_seconds_total', help: 'user CPU time of the process, seconds', type: 'counter', samples: [{ value: cpu.user / 1e6 }] },
        { name: 'process_cpu_system_seconds_total', help: 'system CPU time of the process, seconds', type: 'counter', samples: [{ value: cpu.system / 1e6 }] },
        { name: 'process_cpu_seconds_total', help: 'user and system CPU time of the process, seconds', type: 'counter', samples: [{ value: (cpu.user + cpu.system) / 1e6 }] },
        g('process_resident_memory_bytes', 'resident memory of the process, bytes', mem.rss),
        g('process_start_time_seconds', 'when the process started, Unix seconds', startS),
        g('nodejs_heap_used_bytes', 'V8 heap in use, bytes', mem.heapUsed),
        g('nodejs_eventloop_lag_mean_seconds', "the event loop's mean delay since the previous scrape, seconds", lag[0]!),
        g('nodejs_eventloop_lag_p99_seconds', "the event loop's 99th-percentile delay since the previous scrape, seconds", lag[1]!),
        g('nodejs_eventloop_lag_max_seconds', "the event loop's longest delay since the previous scrape, seconds", lag[2]!),
      ]
    },
    stop: () => loop.disable(),
  }
}
