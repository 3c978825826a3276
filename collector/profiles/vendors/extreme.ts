/** Extreme device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'extreme-wireless',
    vendor: 'Extreme',
    description: 'Extreme (HiPath / IdentiFi) wireless controllers (HIPATH-WIRELESS-HWC-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.4329.15.1'], sysDescrPatterns: ['Extreme Networks Wireless Controller', 'HiPath Wireless'] },
    include: ['if-mib'],
    reads: [
      // LibreNMS Ewc.php reads this scalar as 'Connected Clients' without naming the object
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.4329.15.3.6.1.0', name: 'HIPATH-WIRELESS-HWC-MIB (mobile units scalar, "Connected Clients")' } },
      {
        type: 'clients',
        kind: 'ap',
        value: { oid: '1.3.6.1.4.1.4329.15.3.5.2.2.1.14', name: 'HIPATH-WIRELESS-HWC-MIB::apStatsMuCounts' },
        name: { column: { oid: '1.3.6.1.4.1.4329.15.3.5.1.2.1.2', name: 'HIPATH-WIRELESS-HWC-MIB::apName' } },
      },
      {
        type: 'clients',
        kind: 'ssid',
        value: { oid: '1.3.6.1.4.1.4329.15.3.3.4.5.1.2', name: 'HIPATH-WIRELESS-HWC-MIB::wlanStatsAssociatedClients' },
        name: { column: { oid: '1.3.6.1.4.1.4329.15.3.3.4.4.1.4', name: 'HIPATH-WIRELESS-HWC-MIB::wlanName' } },
      },
      {
        type: 'aps',
        name: { oid: '1.3.6.1.4.1.4329.15.3.5.1.2.1.2', name: 'HIPATH-WIRELESS-HWC-MIB::apName' },
        up: { column: { oid: '1.3.6.1.4.1.4329.15.3.5.1.2.1.22', name: 'HIPATH-WIRELESS-HWC-MIB::apState' }, upValues: [1] },
        clients: { column: { oid: '1.3.6.1.4.1.4329.15.3.5.2.2.1.14', name: 'HIPATH-WIRELESS-HWC-MIB::apStatsMuCounts' } },
      },
    ],
    verified: true,
    source: 'recording ewc (LibreNMS tests/snmpsim): total, per-AP, per-SSID clients; apState column (AP up/down) from other projects\' definitions, not in the recording',
  },
]
