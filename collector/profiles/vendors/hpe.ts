/** HPE (ProCurve / Aruba-OS switch) device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'hpe-procurve',
    vendor: 'HPE',
    description: 'HP ProCurve / ArubaOS-Switch (KA/KB/WC/YA) switches: transceiver power (HP-ICF-TRANSCEIVER-MIB, 0.001 dBm)',
    // LibreNMS procurve.yaml: hpSwitch products .7.8.5 (stacks) and .7.11 (switches)
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.11.2.3.7.8.5', '1.3.6.1.4.1.11.2.3.7.11'], sysDescrPatterns: ['ProCurve', '^HP .*Switch', '^Aruba .*Switch'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // hpicfXcvrInfoTable, indexed by ifIndex; hpicfXcvrPortDesc is the port ('A1', '49')
        port: { column: { oid: '1.3.6.1.4.1.11.2.14.11.5.1.82.1.1.1.1.2', name: 'HP-ICF-TRANSCEIVER-MIB::hpicfXcvrPortDesc' } },
        rx: { oid: '1.3.6.1.4.1.11.2.14.11.5.1.82.1.1.1.1.15', name: 'HP-ICF-TRANSCEIVER-MIB::hpicfXcvrRxPower' },
        tx: { oid: '1.3.6.1.4.1.11.2.14.11.5.1.82.1.1.1.1.14', name: 'HP-ICF-TRANSCEIVER-MIB::hpicfXcvrTxPower' },
        unit: 'dBm',
        divisor: 1000,
        // a module without diagnostics for that direction (LibreNMS skips it)
        nullValues: [-99999999],
      },
    ],
    verified: true,
    source:
      'recordings procurve (HP stack, SFP+ LR in A1/A2 and a 1000LX in 49 whose receive power is -99999999), procurve_2520 (LibreNMS tests/snmpsim): hpicfXcvrRxPower/TxPower in 0.001 dBm as LibreNMS\'s sensors/dbm/procurve.inc.php reads them',
  },
]
