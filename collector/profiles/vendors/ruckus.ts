/** Ruckus device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'ruckus-zonedirector',
    vendor: 'Ruckus',
    description: 'Ruckus ZoneDirector (RUCKUS-ZD-SYSTEM-MIB, RUCKUS-ZD-WLAN-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.25053.3.1.5'], sysDescrPatterns: ['ZoneDirector', '^Ruckus Wireless ZD'] },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.25053.1.2.1.1.1.15.2.0', name: 'RUCKUS-ZD-SYSTEM-MIB::ruckusZDSystemStatsNumSta.0' } },
      {
        type: 'clients',
        kind: 'ssid',
        value: { oid: '1.3.6.1.4.1.25053.1.2.2.1.1.1.1.1.12', name: 'RUCKUS-ZD-WLAN-MIB::ruckusZDWLANNumSta' },
        name: { column: { oid: '1.3.6.1.4.1.25053.1.2.2.1.1.1.1.1.1', name: 'RUCKUS-ZD-WLAN-MIB::ruckusZDWLANSSID' } },
      },
    ],
    verified: true,
    source: 'recording ruckuswireless_zd1100 (LibreNMS tests/snmpsim)',
  },

  {
    id: 'ruckus-smartzone',
    vendor: 'Ruckus',
    description: 'Ruckus SmartZone / vSZ controllers (RUCKUS-SZ-SYSTEM-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.25053.3.1.11'], sysDescrPatterns: ['SmartZone', '\\bvSZ\\b'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.25053.1.4.1.1.1.15.2.0', name: 'RUCKUS-SZ-SYSTEM-MIB::ruckusSZSystemStatsNumSta.0' } }],
    verified: false,
    source: 'LibreNMS LibreNMS/OS/RuckuswirelessSz.php (ruckusSZSystemStatsNumSta); sysObjectID prefix from LibreNMS os definition, unverified',
  },
]
