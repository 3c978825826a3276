/** Ubiquiti device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

// ---------------------------------------------------------------- UBNT-UniFi-MIB (unifiVapTable)
export const UNIFI_VAP_ESSID: Column = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.6', name: 'UBNT-UniFi-MIB::unifiVapEssId' }
export const UNIFI_VAP_NUM_STATIONS: Column = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.8', name: 'UBNT-UniFi-MIB::unifiVapNumStations' }
export const UNIFI_VAP_RADIO: Column = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.9', name: 'UBNT-UniFi-MIB::unifiVapRadio' }

// ---------------------------------------------------------------- UBNT-AirMAX-MIB
/** ubntWlStatTable: one row per wireless interface (ubntWlStatIndex) */
const AIRMAX_WL_STAT_STA_COUNT: Column = { oid: '1.3.6.1.4.1.41112.1.4.5.1.15', name: 'UBNT-AirMAX-MIB::ubntWlStatStaCount' }
/** ubntStaTable is indexed by ubntWlStatIndex . ubntStaMac (6 arcs); ubntStaMac itself is not-accessible */
const AIRMAX_STA_NAME: Column = { oid: '1.3.6.1.4.1.41112.1.4.7.1.2', name: 'UBNT-AirMAX-MIB::ubntStaName' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'ubiquiti-unifi',
    vendor: 'Ubiquiti',
    description:
      'UniFi access points (UBNT-UniFi-MIB). Firmware 5+ reports the generic Linux sysObjectID (8072.3.2.10) or 41112 and its model in sysDescr; firmware 3 reports the airMAX one (10002.1) with a bare Linux sysDescr, and is told from airOS by the unifiVapTable it serves',
    match: {
      sysObjectIdPrefixes: ['1.3.6.1.4.1.41112.1.6'],
      // LibreNMS os_detection/unifi.yaml: /^UAP/, /^U6/, /^U7/, /^E7/, /^UK/, /^U-LTE/
      sysDescrPatterns: ['^(UAP|U6|U7|UAL|UAE|UAC|UK-|BZ2|U2|E7|U-LTE)[-A-Za-z0-9]*\\s'],
      tables: [UNIFI_VAP_NUM_STATIONS],
    },
    include: ['if-mib', 'host-resources'],
    reads: [
      // unifiVapTable has one row per SSID x radio: sum rows per SSID, and per radio. A VAP
      // with no SSID (firmware 3 serves one, a mesh uplink's) is left out of the SSIDs, as
      // LibreNMS's Unifi.php does; it still counts on its radio, as there
      { type: 'clients', kind: 'ssid', value: UNIFI_VAP_NUM_STATIONS, name: { column: UNIFI_VAP_ESSID }, aggregate: 'sum', namePattern: '.' },
      { type: 'clients', kind: 'radio', value: UNIFI_VAP_NUM_STATIONS, name: { column: UNIFI_VAP_RADIO }, aggregate: 'sum' },
      { type: 'clients-total', sumOf: 'ssid' },
    ],
    verified: true,
    source:
      'recording unifi_nanohd (firmware 5.43, sysObjectID 8072.3.2.10) and recordings unifi_ukultra (6.6, 41112), unifi (firmware 3 on 10002.1, Linux sysDescr) (LibreNMS tests/snmpsim): per-SSID and per-radio clients as LibreNMS Unifi.php reads them (VAPs with no SSID left out of the SSIDs); the total is the sum of the SSIDs',
  },

  {
    id: 'ubiquiti-airos',
    vendor: 'Ubiquiti',
    description:
      'airMAX / airOS radios (UBNT-AirMAX-MIB). They report the airMAX sysObjectID (10002.1) that UniFi firmware 3 and airFiber share, so on that one they are told apart by the ubntWlStatTable they serve',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.41112.1.4'], sysDescrPatterns: ['airOS'], tables: [AIRMAX_WL_STAT_STA_COUNT] },
    include: ['if-mib'],
    reads: [
      // LibreNMS Airos.php reads ubntWlStatStaCount.1, the first (on an airMAX radio the only) wireless interface
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.41112.1.4.5.1.15.1', name: 'UBNT-AirMAX-MIB::ubntWlStatStaCount.1' } },
      { type: 'stations', mac: { index: true, indexSlice: [1, 7], rowsFrom: AIRMAX_STA_NAME } },
    ],
    verified: true,
    source:
      'recording airos (airOS 8.5, Rocket Prism 5AC) and recording airos_airos8 (8.7, LiteBeam 5AC) (LibreNMS tests/snmpsim): ubntWlStatStaCount.1 as LibreNMS Airos.php reads it. The station table (ubntStaTable, index ubntWlStatIndex . MAC) is from UBNT-AirMAX-MIB and not in the recordings',
  },
]
