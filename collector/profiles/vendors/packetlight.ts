/** PacketLight device profiles, as data (see collector/profiles/types.ts). */
import { IF_DESCR } from '../generic.ts'
import type { DeviceProfile } from '../types.ts'

// PacketLight names its interfaces in ifDescr ('SFP Interface 1', 'EDFA Interface 1'); ifName
// is the same for SFPs and shorter for amplifiers ('EDFA 1')
export const PROFILES: DeviceProfile[] = [
  {
    id: 'packetlight',
    vendor: 'PacketLight',
    description: 'PacketLight PL-1000/PL-2000 DWDM transport: amplifier (SL-EDFA-MIB, 0.1 dBm) and SFP power (SL-SFP-MIB, 0.1 microwatt)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.4515.100.1'], sysDescrPatterns: ['^PL-\\d'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // edfaConfigTable is indexed by the amplifier's ifIndex
        port: { column: IF_DESCR },
        rx: { oid: '1.3.6.1.4.1.4515.1.9.1.1.1.3', name: 'SL-EDFA-MIB::edfaRxPower' },
        // the measured output (edfaAdminOutputPower, .13, is the configured target)
        tx: { oid: '1.3.6.1.4.1.4515.1.9.1.1.1.14', name: 'SL-EDFA-MIB::edfaOperOutputPower' },
        unit: 'dBm',
        divisor: 10,
      },
      {
        type: 'optics',
        // sfpDiagTable is indexed by the SFP's ifIndex; 0 (no light, no module) reads null
        port: { column: IF_DESCR },
        rx: { oid: '1.3.6.1.4.1.4515.1.10.2.1.1.38', name: 'SL-SFP-MIB::sfpDiagRxInputPower' },
        tx: { oid: '1.3.6.1.4.1.4515.1.10.2.1.1.37', name: 'SL-SFP-MIB::sfpDiagTxOutputPower' },
        unit: 'uW',
        divisor: 10,
        // admin up(1) only, as LibreNMS (a shut port's laser is off)
        onlyWhen: { column: { oid: '1.3.6.1.2.1.2.2.1.7', name: 'IF-MIB::ifAdminStatus' }, equals: [1] },
      },
    ],
    verified: true,
    source:
      'recordings packetlight_pl-1000il (amplifier: edfaRxPower and edfaOperOutputPower / 10), packetlight_pl-1000e and packetlight_pl2000 (SFPs: sfpDiagRx/TxPower in 0.1 uW, LibreNMS Packetlight::convertWattToDbm, admin-up ports) (LibreNMS tests/snmpsim), named by ifDescr, as LibreNMS packetlight.yaml reads them, and 64-bit counters',
  },
]
