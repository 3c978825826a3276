/** Brocade (now Broadcom / Extreme) device profiles, as data (see collector/profiles/types.ts). */
import { IF_DESCR } from '../generic.ts'
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'brocade-fabos',
    vendor: 'Brocade',
    description: 'Brocade Fabric OS Fibre Channel switches: SFP power (FA-EXT-MIB swSfpStatTable, dBm as text)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.1588.2.1.1'], sysDescrPatterns: ['^Fibre Channel Switch'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // swSfpStatTable AUGMENTS FCMGMT-MIB connUnitPortEntry: index = connUnitId (OCTET
        // STRING (SIZE (16)): 16 arcs, no length) . connUnitPortIndex; the port's name is
        // SW-MIB's swFCPortName of that port index. 'NA' and '-inf' are no reading
        port: { column: { oid: '1.3.6.1.4.1.1588.2.1.1.1.6.2.1.36', name: 'SW-MIB::swFCPortName' }, indexSlice: [16, 17] },
        rx: { oid: '1.3.6.1.4.1.1588.2.1.1.1.28.1.1.4', name: 'FA-EXT-MIB::swSfpRxPower' },
        tx: { oid: '1.3.6.1.4.1.1588.2.1.1.1.28.1.1.5', name: 'FA-EXT-MIB::swSfpTxPower' },
        unit: 'dBm',
      },
    ],
    verified: true,
    source:
      'recording fabos_6520 (LibreNMS tests/snmpsim; a Brocade 6520, 143 SFP power values): swSfpRxPower/swSfpTxPower named by swFCPortName, as LibreNMS\'s fabos.yaml reads them; two pairs of its ports share a swFCPortName (Port16, InterSwitchLink_SAN-WD-P1), which LibreNMS\'s labels cannot tell apart, so those are not checked. fabos (the same switch) is not imported; fabos_trans serves two connUnitIds whose port indexes collide (LibreNMS keeps the last, CivicNet reads both under one name)',
  },

  {
    id: 'brocade-ironware',
    vendor: 'Brocade',
    description: 'Brocade / Extreme IronWare (NetIron, FastIron) routers and switches: transceiver power (FOUNDRY-SN-SWITCH-GROUP-MIB, text "-002.7140 dBm: Normal")',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.1991.1.3'], sysDescrPatterns: ['IronWare'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // snIfOpticalMonitoringInfoTable, indexed by ifIndex; named by ifDescr as LibreNMS
        // does ('10GigabitEthernet2/1'; its ifName is 'ethernet2/1'). 'N/A': no module
        port: { column: IF_DESCR },
        rx: { oid: '1.3.6.1.4.1.1991.1.1.3.3.6.1.3', name: 'FOUNDRY-SN-SWITCH-GROUP-MIB::snIfOpticalMonitoringRxPower' },
        tx: { oid: '1.3.6.1.4.1.1991.1.1.3.3.6.1.2', name: 'FOUNDRY-SN-SWITCH-GROUP-MIB::snIfOpticalMonitoringTxPower' },
        unit: 'dBm-text',
      },
    ],
    verified: true,
    source: 'recording ironware (LibreNMS tests/snmpsim; a NetIron CER): snIfOpticalMonitoringRxPower/TxPower, as LibreNMS\'s ironware.yaml reads them',
  },
]
