/** Juniper device profiles, as data (see collector/profiles/types.ts). */
import { IF_DESCR, IF_NAME } from '../generic.ts'
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'juniper-junos',
    vendor: 'Juniper',
    description: 'Juniper JUNOS switches and routers: JUNIPER-DOM-MIB and JUNIPER-IFOPTICS-MIB transceiver power (0.01 dBm)',
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
      {
        type: 'optics',
        // coherent / line-side optics (vMX, PTX, MX with DWDM ports): jnxOpticsPMCurrentTable,
        // indexed by ifIndex; named by ifDescr as LibreNMS does (some agents serve no ifXTable).
        // Fills in ports and directions jnxDomCurrentTable left without a value.
        port: { column: IF_DESCR },
        rx: { oid: '1.3.6.1.4.1.2636.3.71.1.2.1.1.8', name: 'JUNIPER-IFOPTICS-MIB::jnxPMCurRxInputPower' },
        tx: { oid: '1.3.6.1.4.1.2636.3.71.1.2.1.1.7', name: 'JUNIPER-IFOPTICS-MIB::jnxPMCurTxOutputPower' },
        unit: 'dBm',
        divisor: 100,
        merge: true,
      },
    ],
    verified: true,
    source:
      'recordings junos_qfx5100, junos_mx5t-isis, junos_ber (LibreNMS tests/snmpsim). junos_mx5t-isis (MX5-T: JUNIPER-DOM-MIB jnxDomCurrentTable, 0.01 dBm; no bias current is no module, null; LibreNMS\'s per-lane jnxDomCurrentLaneTable sensors of the same SFPs are not read), junos_ber (vMX: JUNIPER-IFOPTICS-MIB jnxPMCurRxInputPower/jnxPMCurTxOutputPower, 0.01 dBm, no ifXTable)',
  },
]
