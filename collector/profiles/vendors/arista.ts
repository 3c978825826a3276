/** Arista device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'arista-eos',
    vendor: 'Arista',
    description: 'Arista EOS switches: transceiver power from ENTITY-SENSOR-MIB (watts, converted to dBm)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.30065.1'], sysDescrPatterns: ['Arista Networks EOS'] },
    include: ['if-mib', 'entity-sensor'],
    reads: [],
    verified: true,
    source:
      'recordings arista_eos (DCS-7050, 41 DOM power sensors), arista_eos_vrf (DCS-7150S-24) (LibreNMS tests/snmpsim): ENTITY-SENSOR-MIB DOM power as watts(6), scale milli, precision 4 (LibreNMS: 10*log10(value/10000) dBm), entPhysicalName empty so the port comes from entPhysicalDescr (\'DOM RX Power Sensor for Ethernet1\'); -1000000000 (underflow) for a receiver with nothing to measure is no reading',
  },
]
