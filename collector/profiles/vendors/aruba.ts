/** Aruba device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'aruba-wlsx',
    vendor: 'Aruba',
    description: 'ArubaOS mobility controllers (WLSX-SWITCH-MIB, WLSX-WLAN-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.14823.1.1'], sysDescrPatterns: ['ArubaOS'] },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.14823.2.2.1.1.3.2.0', name: 'WLSX-SWITCH-MIB::wlsxSwitchTotalNumStationsAssociated.0' } },
      {
        type: 'clients',
        kind: 'ap',
        // wlsxWlanRadioTable: index = AP MAC (6 arcs) . radio number
        value: { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1.7', name: 'WLSX-WLAN-MIB::wlanAPRadioNumAssociatedClients' },
        name: { column: { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.3', name: 'WLSX-WLAN-MIB::wlanAPName' }, indexSlice: [0, 6] },
        aggregate: 'sum',
      },
      {
        type: 'aps',
        name: { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.3', name: 'WLSX-WLAN-MIB::wlanAPName' },
        mac: { index: true },
        up: { column: { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.19', name: 'WLSX-WLAN-MIB::wlanAPStatus' }, upValues: [1] },
        clients: { column: { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1.7', name: 'WLSX-WLAN-MIB::wlanAPRadioNumAssociatedClients' }, indexSlice: [0, 6] },
      },
    ],
    verified: false,
    source: 'LibreNMS LibreNMS/OS/Arubaos.php (wlsxSwitchTotalNumStationsAssociated); WLSX-WLAN-MIB wlsxWlanRadioEntry/wlsxWlanAPEntry column numbers from the MIB as compiled by pysnmp-mibs; wlanAPName/wlanAPStatus column numbers unverified',
  },
]
