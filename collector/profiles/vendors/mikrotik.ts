/** MikroTik device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

const IF_NAME: Column = { oid: '1.3.6.1.2.1.31.1.1.1.1', name: 'IF-MIB::ifName' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'mikrotik-routeros',
    vendor: 'MikroTik',
    description: 'MikroTik RouterOS (MIKROTIK-MIB): clients per wireless interface, SFP optics',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.14988.1'], sysDescrPatterns: ['RouterOS'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'clients',
        kind: 'interface',
        // mtxrWlApTable is indexed by ifIndex, so the row's name is its ifName
        value: { oid: '1.3.6.1.4.1.14988.1.1.1.3.1.6', name: 'MIKROTIK-MIB::mtxrWlApClientCount' },
        name: { column: IF_NAME },
      },
      { type: 'clients-total', sumOf: 'interface' },
      {
        type: 'optics',
        port: { column: { oid: '1.3.6.1.4.1.14988.1.1.19.1.1.2', name: 'MIKROTIK-MIB::mtxrOpticalName' } },
        rx: { oid: '1.3.6.1.4.1.14988.1.1.19.1.1.10', name: 'MIKROTIK-MIB::mtxrOpticalRxPower' },
        tx: { oid: '1.3.6.1.4.1.14988.1.1.19.1.1.9', name: 'MIKROTIK-MIB::mtxrOpticalTxPower' },
        unit: 'dBm',
        divisor: 1000,
      },
      // registration table: index = station MAC . ifIndex (not in the recording)
      { type: 'stations', mac: { column: { oid: '1.3.6.1.4.1.14988.1.1.1.2.1.1', name: 'MIKROTIK-MIB::mtxrWlRtabAddr' } } },
    ],
    verified: true,
    source: 'recording routeros (LibreNMS tests/snmpsim): clients and optics; mtxrWlRtabAddr station table from MIKROTIK-MIB, not in the recording',
  },
]
