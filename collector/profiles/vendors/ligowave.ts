/** LigoWave device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

/** ligoWiIfConfTable: one row per wireless interface */
const LIGO_WI_IF_ESSID: Column = { oid: '1.3.6.1.4.1.32750.3.10.1.2.1.1.4', name: 'LIGO-WIRELESS-MIB::ligoWiIfESSID' }
const LIGO_WI_IF_ASSOC_NODE_COUNT: Column = { oid: '1.3.6.1.4.1.32750.3.10.1.2.1.1.16', name: 'LIGO-WIRELESS-MIB::ligoWiIfAssocNodeCount' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'ligowave-ligoos',
    vendor: 'LigoWave',
    description: 'LigoWave LigoDLB / LigoPTP radios (LIGO-WIRELESS-MIB): associated stations per SSID',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.32750'], sysDescrPatterns: ['^Ligo(PTP|DLB)'] },
    include: ['if-mib'],
    reads: [
      { type: 'clients', kind: 'ssid', value: LIGO_WI_IF_ASSOC_NODE_COUNT, name: { column: LIGO_WI_IF_ESSID }, aggregate: 'sum' },
      { type: 'clients-total', sumOf: 'ssid' },
    ],
    verified: true,
    source: 'recording ligoos_dlb15ac (LigoDLB 5-15ac v7.69) (LibreNMS tests/snmpsim): ligoWiIfAssocNodeCount named by ligoWiIfESSID, as LibreNMS Ligoos.php reads them',
  },
]
