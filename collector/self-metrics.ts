/**
 * The collector's own health as Prometheus metric families (core/prometheus.ts), read from
 * the counters its parts already keep, at scrape time. Serving them over HTTP is the entry
 * point's job (cli/metrics-server.ts for `civicnet collect --metrics-port`, /api/metrics in
 * the demo): this module only names and shapes them. Labels are bounded, fixed words
 * (source, result, state, origin) and the collector's name: never a device id, a host, a
 * community, a token or a MAC.
 */
import type { HistogramSample, MetricFamily } from '../core/prometheus.ts'
import type { Shard } from './shard.ts'
import type { CollectorStats } from './index.ts'

/**
 * The collector's name: `collector-<i>-of-<n>` for `--shard (i-1)/n` (shards count from 0 on
 * the command line, the name from 1), `collector-1-of-1` unsharded. It is the device of the
 * spool_samples self-metric in the store.
 */
export function collectorName(shard: Shard | undefined): string {
  return shard && shard.count > 1 ? `collector-${shard.index + 1}-of-${shard.count}` : 'collector-1-of-1'
}

/** What a scrape reads beside the parts' stats. */
export interface CollectorMetricsInput {
  name: string
  stats: CollectorStats
  /** SNMP poll durations, seconds */
  durations: HistogramSample
  /** devices whose newest device_up read up, and down */
  devices: { up: number; down: number }
  /** device profiles the collector matches with, by where they came from */
  profiles: { builtIn: number; user: number }
}

const counter = (name: string, help: string, samples: { labels?: Record<string, string>; value: number }[]): MetricFamily => ({ name, help, type: 'counter', samples })
const gauge = (name: string, help: string, samples: { labels?: Record<string, string>; value: number }[]): MetricFamily => ({ name, help, type: 'gauge', samples })

/** The collector's families, every name prefixed `civicnet_collector_`. */
export function collectorFamilies(m: CollectorMetricsInput): MetricFamily[] {
  const { poller, writer, traps, events, unifi } = m.stats
  const polls = [
    { labels: { source: 'snmp', result: 'ok' }, value: poller.ok },
    { labels: { source: 'snmp', result: 'timeout' }, value: poller.timeouts },
    { labels: { source: 'snmp', result: 'error' }, value: poller.errors },
  ]
  const skipped = [{ labels: { source: 'snmp' }, value: poller.missed }]
  if (unifi) {
    polls.push(
      { labels: { source: 'unifi', result: 'ok' }, value: unifi.ok },
      { labels: { source: 'unifi', result: 'timeout' }, value: unifi.timeouts },
      { labels: { source: 'unifi', result: 'error' }, value: unifi.errors },
    )
    skipped.push({ labels: { source: 'unifi' }, value: unifi.missed })
  }
  return [
    gauge('civicnet_collector_info', "the collector's name (collector-<i>-of-<n>); always 1", [{ labels: { collector: m.name }, value: 1 }]),
    counter('civicnet_collector_polls_total', 'finished polls by source (snmp, unifi) and result (ok, timeout, error)', polls),
    { name: 'civicnet_collector_poll_duration_seconds', help: 'time one SNMP poll of a device took, seconds', type: 'histogram', samples: [m.durations] },
    counter('civicnet_collector_polls_skipped_total', "scheduled polls not made: the device's previous poll (or the controller's previous round) was still running, or it waited a whole interval for a slot", skipped),
    gauge('civicnet_collector_polls_in_flight', 'SNMP polls running now', [{ value: poller.inFlight }]),
    gauge('civicnet_collector_devices_scheduled', 'devices this collector polls over SNMP (its shard, lightweight APs excluded)', [{ value: poller.devices }]),
    gauge('civicnet_collector_devices', "devices by their newest device_up (polled devices and their controllers' APs); a device not polled since the start is in neither", [
      { labels: { state: 'up' }, value: m.devices.up },
      { labels: { state: 'down' }, value: m.devices.down },
    ]),
    gauge('civicnet_collector_store_up', '1 while the writer sends batches to the store, 0 while it spools them (store unreachable or refusing)', [{ value: writer.storeDown ? 0 : 1 }]),
    gauge('civicnet_collector_spool_samples', 'samples waiting in the on-disk spool for the store', [{ value: writer.spool.samples }]),
    gauge('civicnet_collector_spool_sightings', 'station sightings waiting in the on-disk spool for the store', [{ value: writer.spool.sightings }]),
    gauge('civicnet_collector_spool_bytes', 'size of the on-disk spool, bytes', [{ value: writer.spool.bytes }]),
    counter('civicnet_collector_spool_dropped_samples_total', 'samples lost because the spool was full (its oldest segments go first)', [{ value: writer.spool.droppedSamples }]),
    counter('civicnet_collector_writer_batches_total', 'store writes by result: written (acknowledged), refused (the store answered pings but refused), unreachable (no answer), rejected (malformed: isolated and set aside)', [
      { labels: { result: 'written' }, value: writer.writtenBatches },
      { labels: { result: 'refused' }, value: writer.refusedWrites },
      { labels: { result: 'unreachable' }, value: writer.unreachableWrites },
      { labels: { result: 'rejected' }, value: writer.rejectedWrites },
    ]),
    counter('civicnet_collector_writer_retries_total', 'chunks of the spool sent to the store again on replay, taken or not', [{ value: writer.retriedBatches }]),
    counter('civicnet_collector_writer_samples_total', 'samples by what became of them: written (straight through), spooled, replayed (written from the spool), rejected (malformed); written + replayed = all the store took', [
      { labels: { result: 'written' }, value: writer.writtenSamples - writer.replayedSamples },
      { labels: { result: 'spooled' }, value: writer.spooledSamples },
      { labels: { result: 'replayed' }, value: writer.replayedSamples },
      { labels: { result: 'rejected' }, value: writer.rejectedSamples },
    ]),
    counter('civicnet_collector_traps_received_total', 'SNMP notifications received (no sample when the collector has no trap receiver)', traps ? [{ value: traps.received }] : []),
    counter('civicnet_collector_traps_unattributed_total', 'notifications whose source matched no inventory device', traps ? [{ value: traps.unattributed }] : []),
    counter('civicnet_collector_events_written_total', 'deviceDown/deviceUp events the store took', [{ value: events.written }]),
    counter('civicnet_collector_events_dropped_total', 'deviceDown/deviceUp events lost because the store stayed down too long', [{ value: events.dropped }]),
    gauge('civicnet_collector_profiles_loaded', 'device profiles the collector matches with, by origin (built-in, user: CIVICNET_PROFILES_DIR)', [
      { labels: { origin: 'built-in' }, value: m.profiles.builtIn },
      { labels: { origin: 'user' }, value: m.profiles.user },
    ]),
  ]
}
