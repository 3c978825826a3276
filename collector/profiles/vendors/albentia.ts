/** Albentia Systems device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'albentia-aos',
    vendor: 'Albentia',
    description: 'Albentia ARBA / AXS base stations (ALBENTIA-AS-MIB): registered subscriber stations',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.28087'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.28087.12.10.2.1.0', name: 'ALBENTIA-AS-MIB::albUsers.0' } }],
    verified: true,
    source:
      'recording albentiaaos (AXS-BS-850-N, 42 users) and recording albentiaaos_axs-bs-452-n (6) (LibreNMS tests/snmpsim): albUsers.0 ("Registered users") as LibreNMS Albentiaaos.php reads it',
  },
]
