/** Teldat device profiles, as data (see collector/profiles/types.ts). */
import { IF_NAME } from '../generic.ts'
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'teldat',
    vendor: 'Teldat',
    description: 'Teldat routers with Wi-Fi (TELDAT-MON-INTERF-WLAN-MIB): associated stations per WLAN interface',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.2007.1'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'clients',
        kind: 'interface',
        // telProdNpMonInterfWlanBSSTable is indexed by ifIndex: the row's name is its ifName
        value: { oid: '1.3.6.1.4.1.2007.4.1.2.2.2.24.2.1.23', name: 'TELDAT-MON-INTERF-WLAN-MIB::telProdNpMonInterfWlanBSSCurrent' },
        name: { column: IF_NAME },
      },
      { type: 'clients-total', sumOf: 'interface' },
    ],
    verified: true,
    source:
      'recording teldat_tv-base-vdsl2-adsl (TV BASE VDSL2/ADSL WLAN) (LibreNMS tests/snmpsim): telProdNpMonInterfWlanBSSCurrent per WLAN interface as LibreNMS Teldat.php reads it (it keeps wlan* interfaces that are up; CivicNet reads every row of the WLAN BSS table)',
  },
]
