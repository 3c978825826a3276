/** Arista device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'arista-eos',
    vendor: 'Arista',
    description: 'Arista EOS switches: transceiver power from ENTITY-SENSOR-MIB',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.30065.1'], sysDescrPatterns: ['Arista Networks EOS'] },
    include: ['if-mib', 'entity-sensor'],
    reads: [],
    verified: false,
    source: 'ENTITY-SENSOR-MIB (RFC 3433) with Arista\'s dBm sensor type; not checked against an Arista recording',
  },
]
