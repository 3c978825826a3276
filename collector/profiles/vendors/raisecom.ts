/** Raisecom device profiles, as data (see collector/profiles/types.ts). */
import { IF_NAME } from '../generic.ts'
import type { DeviceProfile } from '../types.ts'

const DDM_VALUE = { oid: '1.3.6.1.4.1.8886.60.18.1.2.2.1.1.2', name: 'ROSMGMT-OPTICAL-TRANSCEIVER-MIB::rosMgmtOpticalTransceiverParameterValue' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'raisecom-ros',
    vendor: 'Raisecom',
    description: 'Raisecom ROS carrier Ethernet switches and NIDs (RAX, ISCOM): transceiver power from ROSMGMT-OPTICAL-TRANSCEIVER-MIB (0.001 dBm)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.8886'], sysDescrPatterns: ['^ROS_'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // rosMgmtOpticalTransceiverDDMTable index = ifIndex . parameter: txPower(3), rxPower(4)
        port: { column: IF_NAME },
        rx: DDM_VALUE,
        tx: DDM_VALUE,
        lastArc: { rx: '4', tx: '3' },
        unit: 'dBm',
        divisor: 1000,
      },
    ],
    verified: true,
    source:
      'recording raisecom-ros (RAX711-C-R, LibreNMS tests/snmpsim): rosMgmtOpticalTransceiverParameterValue rows 3 (Tx) and 4 (Rx) / 1000, named by ifName, as LibreNMS raisecom-ros.yaml reads them, and 64-bit counters. LibreNMS also skips rows whose rosMgmtOpticalTransceiverDDMValidStatus (per row) is invalid(2); every row of the recording is valid, and CivicNet does not check it',
  },
]
