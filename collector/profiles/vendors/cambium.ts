/** Cambium device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'cambium-pmp',
    vendor: 'Cambium',
    description: 'Cambium PMP 450 / Canopy access points (WHISP-APS-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.161.19.250'], sysDescrPatterns: ['^CANOPY'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.161.19.3.1.7.1.0', name: 'WHISP-APS-MIB::regCount.0' } }],
    verified: true,
    source: 'recording pmp_450 (LibreNMS tests/snmpsim)',
  },
]
