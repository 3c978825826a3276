/** Tachyon Networks device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'tachyon',
    vendor: 'Tachyon Networks',
    description: 'Tachyon TNA-30x 60 GHz point-to-multipoint radios (TACHYON-MIB): wireless peers',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.57344'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.57344.1.2.5.0', name: 'TACHYON-MIB::wirelessPeersCount.0' } }],
    verified: true,
    source: 'recording tachyon (TNA-30x, firmware 1.12.0, sysObjectID 57344.1) (LibreNMS tests/snmpsim): wirelessPeersCount.0 as LibreNMS Tachyon.php reads it',
  },
]
