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
 * a regex from the text ('Gi1/0/52 Receive Power Sensor' -> 'Gi1/0/52'). `append` (column
 * names only) adds `text` and a slice of the row's own index after the name, for rows that
 * one column names only together with their own index arcs (an AP's serial, then ' Radio '
 * and the radio slot: 'PHRCKYJ2RR Radio 0'); a row with no name gets none appended.
 */
export type NameSource =
  | {
      column: Column
      indexSlice?: [number, number?]
      viaValueOf?: Column
      map?: Record<string, string>
      stripPattern?: string
      append?: { text: string; indexSlice: [number, number?] }
    }
  | {
      index: true
      indexSlice?: [number, number?]
      map?: Record<string, string>
      /**
       * 'mac': six arcs as a MAC. 'text': the arcs are an OCTET STRING index as SNMP encodes
       * one (a length arc, then one arc per byte: 6.87.73.70.73.79.71 -> 'WIFIOG'; an index of
       * bytes only, IMPLIED, reads the same), decoded as UTF-8. An index that is not one stays
       * as its arcs. Absent or 'plain': the arcs as they are.
       */
      format?: 'mac' | 'plain' | 'text'
      prefix?: string
      /**
       * the name built from the index's arcs: '{n}' is arc n (from 0) of the row index, after
       * `indexSlice`; '{0}/{1}/{3}' names row 1.1.0.3 '1/1/3' (CORIANT-GROOVE-MIB: shelf, slot,
       * subslot, port). Applied before `map` and `prefix`. Absent: the arcs joined by dots.
       */
      template?: string
    }

export type BreakdownKind = 'ssid' | 'radio' | 'ap' | 'interface'

/** A per-row client count: one breakdown entry per distinct name (rows sharing a name are summed). */
export interface ClientsTableRead {
  type: 'clients'
  kind: BreakdownKind
  value: Column
  name: NameSource
  /** 'sum': rows that share a name become one entry (UniFi: one row per SSID x radio). Default: one entry per row. */
  aggregate?: 'sum'
  /**
   * more count columns of the same table, added to `value` row by row: one row's clients
   * split over columns (HUAWEI-WLAN-VAP-MIB hwWlanSsidStatisticTable: an SSID's 2.4 GHz and
   * 5 GHz stations). A row counts where any of its columns does. Absent: `value` alone.
   */
  addValues?: Column[]
  /**
   * only rows whose name matches this regex (case-insensitive) are read; where it has a
   * group 1, that group is the name. '.' leaves out rows with an empty name (a UniFi or
   * FortiAP VAP with no SSID, as LibreNMS does). Absent: every row.
   */
  namePattern?: string
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

/**
 * The device total as the number of rows of one column of a station table (one row per
 * associated client). A table the agent serves with no rows is 0, so this total always
 * answers: list it after totals a device may leave out.
 */
export interface ClientsRowCountRead {
  type: 'clients-total'
  countOf: Column
}

/**
 * A breakdown made by counting a station table's rows (one row per associated client) by
 * the text of one of its columns: the SSID a station is on. `listed`: a column whose texts
 * are names that exist with no station on them (the configured SSIDs), each given with 0
 * (texts repeated across rows, one per radio, are one name). Names matching `skipPattern`
 * (a monitor or mesh interface) are left out of the breakdown.
 */
export interface ClientsRowCountByRead {
  type: 'clients-count'
  kind: BreakdownKind
  by: Column
  listed?: Column
  skipPattern?: string
}

/** How raw optical power becomes dBm. */
export type PowerUnit =
  /** integer or decimal dBm, divided by `divisor` (Juniper: 1/100, MikroTik: 1/1000) */
  | 'dBm'
  /** milliwatts (divided by divisor first) -> 10*log10(mW) */
  | 'mW'
  /** microwatts -> 10*log10(uW/1000) */
  | 'uW'
  /** text such as "-4.94 dBm"; where it holds several numbers, the one marked dBm ("0.03 mW (-14.61 dBm)") */
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
  /**
   * raw values outside these inclusive bounds are no reading in this read. For a column whose
   * unit depends on the value (HUAWEI-ENTITY-EXTENT-MIB hwEntityOpticalRxPower: microwatts
   * when positive, 0.01 dBm otherwise), one read takes `{ min: 1 }` and a `merge` read the
   * rest; also an agent's out-of-range "no value" (LibreNMS's skip_value_gt). Absent: no bounds.
   */
  validRange?: { min?: number; max?: number }
  /**
   * rows of a table indexed by the port then one more arc: only rows of `rx` whose last index
   * arc is `lastArc.rx` (of `tx`, `lastArc.tx`) are read, and the port's index (for `port`
   * and `absentWhen`) is the row index without that arc. For one row per port and direction
   * (ZYXEL-TRANSCEIVER-MIB zyTransceiverDdmiCurrent, index port . type: rx and tx are the
   * same column, lastArc { rx: '5', tx: '4' }) and one row per port and interval (ADVA
   * cmEthernetNetPortStatsOPR, index port . interval: lastArc { rx: '3', tx: '3' }). Absent:
   * the row index is the port's.
   */
  lastArc?: { rx?: string; tx?: string }
  /**
   * fill in, don't add: for a port that an earlier optics read of the profile already gave an
   * entry, this read sets only the directions still null; ports no earlier read named are
   * added. For power that sits in one of several columns (Huawei: a lane column for QSFPs,
   * the plain one for SFPs). Absent: every row is a new entry.
   */
  merge?: boolean
  /**
   * rows where this column is none of `equals` (or has no value) carry no optics: rx/tx null
   * (ADVA cmEthernetTrafficPortMediaType: only fiber(2) ports, not copper SFPs). Looked up at
   * the port's index. Absent: every row.
   */
  onlyWhen?: { column: Column; equals: number[] }
  /**
   * a row whose rx and tx raw values both equal this has no module: both null (ADVA's
   * cmEthernetTrafficPortStatsOPR/OPT read 0 and 0 for an empty cage, where either alone may
   * be a real 0 dBm). Absent: each value stands on its own.
   */
  absentWhenBoth?: number
  /**
   * Rows are per lane (ARUBAWIRED-PM-MIB arubaWiredPmXcvrLaneDomTable: ifIndex . lane): these
   * index arcs number the lane, and `port` names the port from the others. A port with one
   * lane row (an SFP) reads as the port; a port with several (a QSFP) reads one entry per
   * lane, named '<port> Lane <n>'. Absent: one row per port.
   */
  lane?: { indexSlice: [number, number?] }
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
  /**
   * entPhysicalDescr: the sensor's name where its entPhysicalName is empty (Arista EOS leaves
   * every name empty: 'DOM RX Power Sensor for Ethernet1' is the descr). Absent: name only.
   */
  entityDescr?: Column
  /**
   * entPhysicalContainedIn: where the sensor's own name leaves no port once stripped ('Rx Power
   * Sensor'), the port is the name (or descr) of the entity that contains the sensor.
   */
  containedIn?: Column
  /**
   * Sensor types that are dBm only when the sensor's name matches `pattern`: Cisco ASR920,
   * IR1101 and ISR serve transceiver power in ENTITY-SENSOR-MIB as other(1), named
   * '... Rx Power Sensor' (LibreNMS's entity-sensor discovery does the same).
   */
  dbmWhenNamed?: { types: number[]; pattern: string }
  /** a sensor is optics only if its name also matches this ('power': a PSU's 'Output' watts are not) */
  namePattern?: string
  /**
   * raw values that mean no reading: RFC 3433's underflow (-1000000000) and overflow
   * (+1000000000), which Arista serves for a receiver with nothing to measure
   */
  nullValues?: number[]
  /**
   * regex on the sensor name whose group 1 numbers a lane ('Tx Lane 2 Power', 'Lane 1
   * Transceiver Receive Power'); the match is removed to leave the port. A port-level sensor of
   * the same port and direction wins over its lanes; a port with one lane reads that lane as
   * the port; a port with several lanes and no port-level sensor reads one entry per lane,
   * named '<port> Lane <n>'. Absent: lanes are not told apart.
   */
  lanePattern?: string
  /**
   * capitalise the port name's words of letters only, as LibreNMS prints entity names (PHP
   * ucwords): 'subslot 0/0 transceiver 0' reads 'Subslot 0/0 Transceiver 0'. Words with a
   * digit or punctuation (xe-0/0/0, eth0, Hu1/0/49) stay as the device wrote them.
   */
  capitalizeWords?: boolean
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
  /**
   * Interfaces from a vendor table instead of (or next to) the IF-MIB's. `ifIndexSlice`: the
   * ifIndex is this slice of the row index (TIMETRA-VRTR-MIB vRtrIfTable: vRtrID . vRtrIfIndex
   * -> [1]; two rows giving one ifIndex: the later wins). `ifIndexOffset`: added to that
   * ifIndex, for a table numbered apart from the IF-MIB (UBNT-UFIBER-MIB ubntSfpsTable rows
   * 0.. as 1000..). `operStatusMap`: the status column's raw values as IF-MIB statuses, for a
   * status that is not ifOperStatus (TmnxOperState inService(2) -> 'up'); a value not in it
   * reads null. `merge`: adds only interfaces whose ifIndex no earlier interfaces read of the
   * profile listed (the IF-MIB's own row wins). Absent: the row index is the ifIndex, the
   * status is ifOperStatus, and the read's list replaces any earlier one.
   */
  ifIndexSlice?: [number, number?]
  ifIndexOffset?: number
  operStatusMap?: Record<string, OperStatus>
  merge?: boolean
}

/** IF-MIB ifOperStatus values (RFC 2863), as CivicNet names them. */
export type OperStatus = 'up' | 'down' | 'testing' | 'unknown' | 'dormant' | 'notPresent' | 'lowerLayerDown'

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
  | ClientsRowCountRead
  | ClientsRowCountByRead
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
    /**
     * columns (or any subtree) whose presence identifies the family, tried when neither a
     * prefix nor a pattern matched: one GETNEXT carries one varbind per such column of every
     * profile, and the first profile (in registry order) with an answer inside one of its
     * columns matches (docs/PROFILES.md, "Matching")
     */
    tables?: Column[]
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
