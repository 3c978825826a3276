/** MikroTik device profiles, as data (see collector/profiles/types.ts). */
import { IF_NAME } from '../generic.ts'
import type { Column, DeviceProfile } from '../types.ts'

/** mtxrWlApTable is indexed by ifIndex: one row per wireless interface in AP mode */
const WL_AP_CLIENT_COUNT: Column = { oid: '1.3.6.1.4.1.14988.1.1.1.3.1.6', name: 'MIKROTIK-MIB::mtxrWlApClientCount' }
const WL_AP_SSID: Column = { oid: '1.3.6.1.4.1.14988.1.1.1.3.1.4', name: 'MIKROTIK-MIB::mtxrWlApSsid' }
/** mtxrWlRtabTable is indexed by mtxrWlRtabAddr (the station MAC, 6 arcs) . mtxrWlRtabIface (ifIndex); both are not-accessible */
const WL_RTAB_STRENGTH: Column = { oid: '1.3.6.1.4.1.14988.1.1.1.2.1.3', name: 'MIKROTIK-MIB::mtxrWlRtabStrength' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'mikrotik-routeros',
    vendor: 'MikroTik',
    description: 'MikroTik RouterOS v6 and v7 (MIKROTIK-MIB): clients per wireless interface and per SSID, SFP optics',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.14988.1'], sysDescrPatterns: ['RouterOS'] },
    include: ['if-mib'],
    reads: [
      // the row's name is its interface's ifName
      { type: 'clients', kind: 'interface', value: WL_AP_CLIENT_COUNT, name: { column: IF_NAME } },
      // virtual APs of one SSID on several interfaces are one SSID
      { type: 'clients', kind: 'ssid', value: WL_AP_CLIENT_COUNT, name: { column: WL_AP_SSID }, aggregate: 'sum' },
      { type: 'clients-total', sumOf: 'interface' },
      {
        type: 'optics',
        port: { column: { oid: '1.3.6.1.4.1.14988.1.1.19.1.1.2', name: 'MIKROTIK-MIB::mtxrOpticalName' } },
        rx: { oid: '1.3.6.1.4.1.14988.1.1.19.1.1.10', name: 'MIKROTIK-MIB::mtxrOpticalRxPower' },
        tx: { oid: '1.3.6.1.4.1.14988.1.1.19.1.1.9', name: 'MIKROTIK-MIB::mtxrOpticalTxPower' },
        unit: 'dBm',
        divisor: 1000,
      },
      // the registration table: the station MAC from the index, its SSID that of its interface
      {
        type: 'stations',
        mac: { index: true, indexSlice: [0, 6], rowsFrom: WL_RTAB_STRENGTH },
        ssid: { column: WL_AP_SSID, indexSlice: [6, 7] },
      },
    ],
    verified: true,
    source:
      'recording routeros (RouterOS 6.40: clients and optics) and recordings routeros_ltap-mini (RB912R-2nD, RouterOS 6), routeros_rb433gl (RouterOS 7.18.2: clients) (LibreNMS tests/snmpsim): mtxrWlApClientCount per interface as LibreNMS Routeros.php reads it, mtxrOpticalRx/TxPower in 1/1000 dBm as its routeros.yaml does. The registration table (mtxrWlRtabTable, index MAC . ifIndex) is from MIKROTIK-MIB and not in the recordings',
  },
]
