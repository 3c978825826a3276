/** MRV (now ADVA) device profiles, as data (see collector/profiles/types.ts). */
import { IF_NAME } from '../generic.ts'
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'mrv-optidriver',
    vendor: 'MRV',
    description: 'MRV OptiDriver (OD) optical transport chassis: port power from NBS-CMMC-MIB (0.001 dBm)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.629.200'], sysDescrPatterns: ['^OD-NM '] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // nbsCmmcPortTable index = chassis . slot . port; nbsCmmcPortIfIndex names the port's
        // IF-MIB row, whose ifName is the same 'chassis.slot.port'
        port: {
          column: IF_NAME,
          viaValueOf: { oid: '1.3.6.1.4.1.629.200.8.1.1.43', name: 'NBS-CMMC-MIB::nbsCmmcPortIfIndex' },
        },
        rx: { oid: '1.3.6.1.4.1.629.200.8.1.1.32', name: 'NBS-CMMC-MIB::nbsCmmcPortRxPower' },
        tx: { oid: '1.3.6.1.4.1.629.200.8.1.1.31', name: 'NBS-CMMC-MIB::nbsCmmcPortTxPower' },
        unit: 'dBm',
        divisor: 1000,
        // the MIB's "not supported" value (ports without DDM, and a receive-only or transmit-only port's other side)
        nullValues: [-2147483648],
      },
    ],
    verified: true,
    source:
      'recording mrv-od (OD-NM 5.10, LibreNMS tests/snmpsim): nbsCmmcPortRxPower/TxPower / 1000 with -2147483648 as no value, as LibreNMS mrv-od.yaml reads them, named by the ifName of nbsCmmcPortIfIndex, and 64-bit counters',
  },
]
