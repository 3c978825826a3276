/** WIS (Wireless Bridge) device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'wis-bridge',
    vendor: 'WIS',
    description: 'WIS wireless bridges (WIS-BRIDGE-MIB): stations on the first wireless interface',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.62821.1.4'] },
    include: ['if-mib'],
    // wisWlStatTable is indexed by wisWlStatIndex; LibreNMS WisBridge.php reads row 1
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.62821.1.4.3.1.15.1', name: 'WIS-BRIDGE-MIB::wisWlStatStaCount.1' } }],
    verified: true,
    source: 'recording wis-bridge (sysObjectID 62821.1.4) (LibreNMS tests/snmpsim): wisWlStatStaCount.1 as LibreNMS WisBridge.php reads it',
  },
]
