/** Dell device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile, OpticsTableRead } from '../types.ts'

/** dellNetIfTransceiverDataTable, indexed by ifIndex: dellNetIfTransPort names the port ('Te 1/1/1', 'Hu 1/32') */
const TRANS_PORT: Column = { oid: '1.3.6.1.4.1.6027.3.11.1.3.1.1.2', name: 'DELL-NETWORKING-IF-EXTENSION-MIB::dellNetIfTransPort' }

/**
 * One lane's power columns (text dBm, '1.091058'; empty where the lane is unused). A port
 * broken out of a QSFP28 (Te 1/1/2) has its value in its own lane's column only, so lane 1
 * is read first and each later lane fills in what the earlier ones left empty: a port reads
 * its first lane with a value. A lane-1 raw 0 is no reading, as LibreNMS's skip_values: 0.
 */
const lane = (n: 1 | 2 | 3 | 4): OpticsTableRead => ({
  type: 'optics',
  port: { column: TRANS_PORT },
  tx: { oid: `1.3.6.1.4.1.6027.3.11.1.3.1.1.${7 + n}`, name: `DELL-NETWORKING-IF-EXTENSION-MIB::dellNetIfTransTransmitPowerLane${n}` },
  rx: { oid: `1.3.6.1.4.1.6027.3.11.1.3.1.1.${11 + n}`, name: `DELL-NETWORKING-IF-EXTENSION-MIB::dellNetIfTransReceivePowerLane${n}` },
  unit: 'dBm',
  nullValues: [0],
  ...(n > 1 ? { merge: true } : {}),
})

export const PROFILES: DeviceProfile[] = [
  {
    id: 'dell-dnos',
    vendor: 'Dell',
    description: 'Dell Networking OS 9 (DNOS, ex-Force10 FTOS) switches: transceiver power per lane (DELL-NETWORKING-IF-EXTENSION-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.6027.1'], sysDescrPatterns: ['Dell (EMC )?Networking OS'] },
    include: ['if-mib'],
    reads: [lane(1), lane(2), lane(3), lane(4)],
    verified: true,
    source:
      'recording dnos_z9100-on (LibreNMS tests/snmpsim; Z9100-ON, QSFP28 ports broken out into Te 1/N/1..4): dellNetIfTransTransmitPowerLane1..4 (.8-.11) and ReceivePowerLane1..4 (.12-.15) as LibreNMS\'s dnos.yaml reads them. LibreNMS\'s four lane sensors of the unbroken Hu 1/32 share one label, so only its lane 1 is what CivicNet reads and none is checked; dnos_s4048 (40G QSFPs, four lanes under one label each) is not imported for the same reason',
  },
]
