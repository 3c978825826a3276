/**
 * What the collector measures and the store keeps. A sample is one value of one series;
 * a series is (metric, device, instance). `neighborhood` is carried on every sample so
 * per-neighborhood aggregates need no join. Imports nothing of ours.
 */

export interface Sample {
  /** metric name, e.g. 'wifi_clients' (see METRICS) */
  metric: string
  /** inventory device id */
  device: string
  /**
   * neighborhood id of the device's site; '' when none, and '' on a wireless controller's
   * client counts (its clients stand at its APs, whose own samples carry their neighborhood)
   */
  neighborhood: string
  /** sub-entity of the device: SSID, radio, ifName, port; '' for a device-level value */
  instance: string
  value: number
  /** epoch milliseconds */
  timeMs: number
}

/** One point of an aggregate answer. */
export interface SeriesPoint {
  /** the group's key: a neighborhood id or a device id */
  group: string
  /** start of the step, epoch ms */
  timeMs: number
  value: number
}

export type AggregateFn = 'sum' | 'mean' | 'max' | 'min' | 'count'

/**
 * How a metric is combined. Gauges (clients) are summed across a group's series at each
 * poll instant and then reduced over the step (mean = average concurrent, max = peak).
 * Deltas (bytes in a poll interval) are summed over everything in the step.
 */
export interface MetricDef {
  name: string
  unit: string
  kind: 'gauge' | 'delta'
  description: string
}

export const METRICS = {
  wifi_clients: { name: 'wifi_clients', unit: 'clients', kind: 'gauge', description: 'associated Wi-Fi clients on the AP (device total)' },
  wifi_clients_ssid: { name: 'wifi_clients_ssid', unit: 'clients', kind: 'gauge', description: 'associated clients per SSID (instance = SSID)' },
  wifi_clients_radio: { name: 'wifi_clients_radio', unit: 'clients', kind: 'gauge', description: 'associated clients per radio (instance = radio)' },
  if_in_bytes: { name: 'if_in_bytes', unit: 'bytes', kind: 'delta', description: 'octets received in the poll interval (instance = ifName)' },
  if_out_bytes: { name: 'if_out_bytes', unit: 'bytes', kind: 'delta', description: 'octets sent in the poll interval (instance = ifName)' },
  wifi_bytes: { name: 'wifi_bytes', unit: 'bytes', kind: 'delta', description: 'client traffic through the AP in the poll interval, both directions' },
  optics_rx_dbm: { name: 'optics_rx_dbm', unit: 'dBm', kind: 'gauge', description: 'optical receive power (instance = port)' },
  optics_tx_dbm: { name: 'optics_tx_dbm', unit: 'dBm', kind: 'gauge', description: 'optical transmit power (instance = port)' },
  if_oper_status: { name: 'if_oper_status', unit: 'enum', kind: 'gauge', description: 'IF-MIB ifOperStatus as polled: 1 up, 2 down, 7 lowerLayerDown ... (instance = ifName)' },
  device_up: { name: 'device_up', unit: 'bool', kind: 'gauge', description: '1 when the device answered its poll, 0 when it did not' },
  poll_duration_ms: { name: 'poll_duration_ms', unit: 'ms', kind: 'gauge', description: 'collector self-metric: time one poll took' },
  poll_timeouts: { name: 'poll_timeouts', unit: 'count', kind: 'delta', description: 'collector self-metric: polls that timed out' },
  poll_errors: { name: 'poll_errors', unit: 'count', kind: 'delta', description: 'collector self-metric: polls that failed otherwise' },
  counter_wrap_gaps: { name: 'counter_wrap_gaps', unit: 'count', kind: 'delta', description: "collector self-metric: the device's Counter32 byte counters whose interval was too long to rule out more than one wrap: no delta was stored for them, never a guessed one (only written when not 0)" },
  polls_skipped: { name: 'polls_skipped', unit: 'count', kind: 'delta', description: "collector self-metric: a scheduled poll of the device not made because its previous poll was still running, or because it waited a whole interval for a free slot (1 per skip, at the skip's time, with the device's own tags)" },
  spool_samples: { name: 'spool_samples', unit: 'samples', kind: 'gauge', description: "collector self-metric: samples waiting in the collector's on-disk spool, written on every flush attempt (0 when empty); device = the collector, 'collector-<i>-of-<n>' (shard i+1 of n; unsharded: collector-1-of-1), neighborhood and instance ''" },
} as const satisfies Record<string, MetricDef>

export type MetricName = keyof typeof METRICS

/** Something that happened at a moment: a trap, a device going down or up. */
export interface DeviceEvent {
  timeMs: number
  device: string
  neighborhood: string
  /** e.g. 'linkDown', 'linkUp', 'coldStart', 'apDisassociated', 'deviceDown', 'deviceUp' */
  type: string
  severity: 'info' | 'warning' | 'critical'
  /** free text for people: interface name, AP name, cause */
  detail: string
}

/**
 * One client device seen on one AP in one period: the unit of unique counting. The digest
 * is the HMAC of the station's MAC under the period's own key (collector/privacy.ts), so
 * within a period one client is one digest on every AP and in every neighborhood (sets
 * merge exactly: the city's unique count is the size of the union), and across periods
 * digests cannot be linked. Stored with set semantics: a sighting written twice is one.
 */
export interface StationSighting {
  /** whose key made the digest: 'day' (every sighting), 'month' or 'quarter' (period-unique counts) */
  scope: 'day' | 'month' | 'quarter'
  /** the period in the city's local calendar: '2026-12-01', '2026-12', '2026Q4' (core/calendar.ts) */
  period: string
  /** the AP the station was associated to (inventory device id) */
  device: string
  neighborhood: string
  /** hex HMAC-SHA256, 64 characters */
  digest: string
  /** a locally administered (randomized) MAC: counted apart on every figure */
  randomized: boolean
}
