/** Juniper device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

const IF_NAME: Column = { oid: '1.3.6.1.2.1.31.1.1.1.1', name: 'IF-MIB::ifName' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'juniper-junos',
    vendor: 'Juniper',
    description: 'Juniper JUNOS switches and routers: JUNIPER-DOM-MIB transceiver power (0.01 dBm)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.2636.1.1.1'], sysDescrPatterns: ['JUNOS'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // jnxDomCurrentTable is indexed by ifIndex
        port: { column: IF_NAME },
        rx: { oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.5', name: 'JUNIPER-DOM-MIB::jnxDomCurrentRxLaserPower' },
        tx: { oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.7', name: 'JUNIPER-DOM-MIB::jnxDomCurrentTxLaserOutputPower' },
        unit: 'dBm',
        divisor: 100,
        // no bias current: no module or laser off, and the power columns read a meaningless 0
        absentWhen: { column: { oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.6', name: 'JUNIPER-DOM-MIB::jnxDomCurrentTxLaserBiasCurrent' }, equals: 0 },
      },
    ],
    verified: true,
    source: 'recording junos_qfx5100 (LibreNMS tests/snmpsim)',
  },
]
