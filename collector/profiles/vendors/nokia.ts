/** Nokia device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'nokia-isam',
    vendor: 'Nokia',
    description: 'Nokia (Alcatel-Lucent) ISAM access nodes: SFP diagnostics as text ("-4.94 dBm")',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.637.61.1'], sysDescrPatterns: ['\\bISAM\\b'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // sfpDiagTable index = slot . SFP port
        port: { index: true, prefix: 'sfp ' },
        rx: { oid: '1.3.6.1.4.1.637.61.1.56.5.1.7', name: 'SFP-MIB::sfpDiagRxPower' },
        tx: { oid: '1.3.6.1.4.1.637.61.1.56.5.1.6', name: 'SFP-MIB::sfpDiagTxPower' },
        unit: 'dBm-text',
      },
    ],
    verified: false,
    source: 'LibreNMS nokia-isam dbm discovery and Centreon (sfpDiagRxPower .7, sfpDiagTxPower .6 of sfpDiagTable); not checked against a device',
  },
]
