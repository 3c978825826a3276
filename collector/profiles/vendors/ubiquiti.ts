/** Ubiquiti device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

// ---------------------------------------------------------------- UBNT-UniFi-MIB (unifiVapTable)
export const UNIFI_VAP_ESSID: Column = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.6', name: 'UBNT-UniFi-MIB::unifiVapEssId' }
export const UNIFI_VAP_NUM_STATIONS: Column = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.8', name: 'UBNT-UniFi-MIB::unifiVapNumStations' }
export const UNIFI_VAP_RADIO: Column = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.9', name: 'UBNT-UniFi-MIB::unifiVapRadio' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'ubiquiti-unifi',
    vendor: 'Ubiquiti',
    description: 'UniFi access points (UBNT-UniFi-MIB); they report the generic Linux sysObjectID, so they match on sysDescr',
    match: {
      sysObjectIdPrefixes: ['1.3.6.1.4.1.41112.1.6'],
      sysDescrPatterns: ['^(UAP|U6|U7|UAL|UAE|UAC|UK-|BZ2|U2)[-A-Za-z0-9]*\\s'],
    },
    include: ['if-mib', 'host-resources'],
    reads: [
      // unifiVapTable has one row per SSID x radio: sum rows per SSID, and per radio
      { type: 'clients', kind: 'ssid', value: UNIFI_VAP_NUM_STATIONS, name: { column: UNIFI_VAP_ESSID }, aggregate: 'sum' },
      { type: 'clients', kind: 'radio', value: UNIFI_VAP_NUM_STATIONS, name: { column: UNIFI_VAP_RADIO }, aggregate: 'sum' },
      { type: 'clients-total', sumOf: 'ssid' },
    ],
    verified: true,
    source: 'recording unifi_nanohd (LibreNMS tests/snmpsim)',
  },

  {
    id: 'ubiquiti-airos',
    vendor: 'Ubiquiti',
    description: 'airMAX / airOS radios (UBNT-AirMAX-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.10002.1', '1.3.6.1.4.1.41112.1.4'], sysDescrPatterns: ['airOS'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'clients',
        kind: 'ssid',
        value: { oid: '1.3.6.1.4.1.41112.1.4.5.1.15', name: 'UBNT-AirMAX-MIB::ubntWlStatStaCount' },
        name: { column: { oid: '1.3.6.1.4.1.41112.1.4.5.1.2', name: 'UBNT-AirMAX-MIB::ubntWlStatSsid' } },
      },
      { type: 'clients-total', sumOf: 'ssid' },
      { type: 'stations', mac: { column: { oid: '1.3.6.1.4.1.41112.1.4.7.1.1', name: 'UBNT-AirMAX-MIB::ubntStaMac' } } },
    ],
    verified: false,
    source: 'LibreNMS LibreNMS/OS/Airos.php (ubntWlStatStaCount.1); UBNT-AirMAX-MIB ubntWlStatEntry/ubntStaEntry column numbers',
  },
]
