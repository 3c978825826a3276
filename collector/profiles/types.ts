/**
 * The shape of a device profile. A profile is data: which OIDs a device family answers and
 * how raw values become CivicNet's numbers. collector/reading.ts interprets it; no profile
 * carries code. Every OID sits next to its MIB object name.
 */

/** One MIB object: a table column (walked) or, for `scalar` reads, the full instance OID ('... .0'). */
export interface Column {
  oid: string
  /** MIB object name, e.g. 'AIRESPACE-WIRELESS-MIB::bsnDot11EssNumberOfMobileStations' */
  name: string
}

/**
 * Where a row's name (SSID, radio, AP, port) comes from.
 * - `column`: the text of another column. By default at the same row index; `indexSlice`
 *   takes only some index arcs (AP MAC in front of a radio slot), `viaValueOf` uses the value
 *   of a column of this row as the other table's index (the AP MAC a station is on).
 * - `index`: the row index itself (or a slice of it), optionally mapped through `map`.
 * `map` turns raw text/numbers into names (radio type 1 -> '2.4GHz'); `stripPattern` removes
 * a regex from the text ('Gi1/0/52 Receive Power Sensor' -> 'Gi1/0/52').
 */
export type NameSource =
  | { column: Column; indexSlice?: [number, number?]; viaValueOf?: Column; map?: Record<string, string>; stripPattern?: string }
  | { index: true; indexSlice?: [number, number?]; map?: Record<string, string>; format?: 'mac' | 'plain'; prefix?: string }

export type BreakdownKind = 'ssid' | 'radio' | 'ap' | 'interface'

/** A per-row client count: one breakdown entry per distinct name (rows sharing a name are summed). */
export interface ClientsTableRead {
  type: 'clients'
  kind: BreakdownKind
  value: Column
  name: NameSource
  /** 'sum': rows that share a name become one entry (UniFi: one row per SSID x radio). Default: one entry per row. */
  aggregate?: 'sum'
}

/** The device total from one scalar. */
export interface ClientsScalarRead {
  type: 'clients-total'
  scalar: Column
}

/** The device total as the sum of one breakdown kind (each client is in exactly one SSID, or one radio). */
export interface ClientsSumRead {
  type: 'clients-total'
  sumOf: BreakdownKind
}

/** How raw optical power becomes dBm. */
export type PowerUnit =
  /** integer or decimal dBm, divided by `divisor` (Juniper: 1/100, MikroTik: 1/1000) */
  | 'dBm'
  /** milliwatts (divided by divisor first) -> 10*log10(mW) */
  | 'mW'
  /** microwatts -> 10*log10(uW/1000) */
  | 'uW'
  /** text such as "-4.94 dBm" */
  | 'dBm-text'

/** Optics in a vendor table: one row per port with rx and/or tx columns. */
export interface OpticsTableRead {
  type: 'optics'
  rx?: Column
  tx?: Column
  unit: PowerUnit
  divisor?: number
  port: NameSource
  /** rows where this column equals `equals` have no module or no laser: rx/tx are null */
  absentWhen?: { column: Column; equals: number }
  /** raw values that mean "no reading" (e.g. -40 dBm floors, 0x7fffffff) */
  nullValues?: number[]
}

/** Optics as dBm (or watt) sensors of ENTITY-SENSOR-MIB or CISCO-ENTITY-SENSOR-MIB, named by entPhysicalName. */
export interface EntitySensorOpticsRead {
  type: 'optics-entity-sensor'
  sensorType: Column
  scale: Column
  precision: Column
  value: Column
  status?: Column
  /** entPhysicalName, looked up for the sensor rows only */
  entityName: Column
  /** SensorDataType values that are dBm (14) and watts (6) */
  dbmTypes: number[]
  wattTypes: number[]
  /** regexes on the sensor name that tell receive from transmit */
  rxPattern: string
  txPattern: string
  /** removed from the sensor name to leave the port name */
  portStripPattern: string
}

/** The station (client) table of a controller. MACs stay in memory: the caller hashes them at once. */
export interface StationsRead {
  type: 'stations'
  /** the station MAC: a 6-byte column, or the row index (6 arcs) */
  mac: { column: Column } | { index: true; indexSlice?: [number, number?]; rowsFrom: Column }
  ap?: NameSource
  ssid?: NameSource
  /** byte counters of the station, summed (rx + tx) */
  bytes?: Column[]
}

/** The AP table of a controller. */
export interface ApsRead {
  type: 'aps'
  name: Column
  /** the AP's MAC: from the row index (6 arcs) or a 6-byte column */
  mac?: { index: true } | { column: Column }
  up?: { column: Column; upValues: number[] }
  /** per-AP clients from another table whose index begins with the AP's index (radios), summed */
  clients?: { column: Column; indexSlice: [number, number?] } | { column: Column }
  /**
   * The AP's own cumulative byte counters, from a table indexed by the AP's index then a
   * port slot (one counter pair per slot): they count every station's bytes, whoever left
   * or roamed. `resetUptime`: a TimeTicks column indexed like the AP table that restarts
   * whenever the counters do (so a decrease can be told from a Counter32 wrap).
   * `maxBitsPerSec` (Counter32 only): the highest rate either counter can plausibly count at,
   * averaged over a poll interval; an interval in which it could have counted 2^32 bytes
   * gives no delta (collector/counters.ts). Absent: no rate is assumed, and a Counter32 gives
   * a delta only over intervals too short for any rate to matter.
   */
  bytes?: { inOctets: Column; outOctets: Column; counter32: boolean; resetUptime?: Column; maxBitsPerSec?: number }
}

/** IF-MIB interfaces: each field lists columns in order of preference (HC first). */
export interface InterfacesRead {
  type: 'interfaces'
  name: Column[]
  operStatus: Column
  inOctets: Column[]
  outOctets: Column[]
  /**
   * the highest rate, bits/s, an interface served only with 32-bit octet counters is assumed
   * to run at when its speed is unknown (see collector/counters.ts); absent: none assumed
   */
  counter32MaxBitsPerSec?: number
}

/** HOST-RESOURCES-MIB CPU (mean of hrProcessorLoad) and RAM use (hrStorage rows of type hrStorageRam). */
export interface HostResourcesRead {
  type: 'host-resources'
  processorLoad: Column
  storageType: Column
  storageUnits: Column
  storageSize: Column
  storageUsed: Column
  /** hrStorageType value (an OID) of RAM */
  ramTypeOid: string
}

export type ProfileRead =
  | ClientsTableRead
  | ClientsScalarRead
  | ClientsSumRead
  | OpticsTableRead
  | EntitySensorOpticsRead
  | StationsRead
  | ApsRead
  | InterfacesRead
  | HostResourcesRead

export type GenericReadSet = 'if-mib' | 'host-resources' | 'entity-sensor'

export interface DeviceProfile {
  id: string
  vendor: string
  description: string
  match: {
    /** sysObjectID prefixes (numeric, no leading dot); the longest matching prefix wins */
    sysObjectIdPrefixes?: string[]
    /** regexes tried on sysDescr (case-insensitive) when no prefix matched */
    sysDescrPatterns?: string[]
  }
  /** generic read sets this profile adds to its own reads */
  include?: GenericReadSet[]
  reads: ProfileRead[]
  /**
   * true: checked against a real recording in test/fixtures/snmprec (named in `source`).
   * false: OIDs taken from the MIB or another project's definitions (named in `source`), not yet
   * checked against a device.
   */
  verified: boolean
  source: string
}
