/** Fortinet device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'fortinet-fortiap',
    vendor: 'Fortinet',
    description: 'FortiAPs managed by a FortiGate wireless controller (FORTINET-FORTIGATE-MIB fgWc*)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.12356.101.1'], sysDescrPatterns: ['FortiGate'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'clients',
        kind: 'ap',
        value: { oid: '1.3.6.1.4.1.12356.101.14.4.4.1.17', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpSessionWtpStationCount' },
        name: { column: { oid: '1.3.6.1.4.1.12356.101.14.4.3.1.3', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpConfigWtpName' } },
      },
      { type: 'clients-total', sumOf: 'ap' },
      {
        type: 'aps',
        name: { oid: '1.3.6.1.4.1.12356.101.14.4.3.1.3', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpConfigWtpName' },
        up: { column: { oid: '1.3.6.1.4.1.12356.101.14.4.4.1.7', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpSessionConnectionState' }, upValues: [2] }, // onLine(2)
        clients: { column: { oid: '1.3.6.1.4.1.12356.101.14.4.4.1.17', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpSessionWtpStationCount' } },
      },
    ],
    verified: false,
    source: 'FORTINET-FORTIGATE-MIB fgWcWtpConfigEntry/fgWcWtpSessionEntry as used by Checkmk fortigate_ap and Centreon; not checked against a device',
  },
]
