/** V-SOL device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'vsol-olt',
    vendor: 'V-SOL',
    description: 'V-SOL (V-Solution) EPON/GPON OLTs: PON port transmit power and each ONU\'s own optics (V1600D MIB, text)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.37950'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // ponTransceiverTable is indexed by the PON port number ('6.56 dbm')
        port: { column: { oid: '1.3.6.1.4.1.37950.1.1.5.10.1.2.1.1.2', name: 'V1600D::ponPortDescr' } },
        tx: { oid: '1.3.6.1.4.1.37950.1.1.5.10.13.1.1.5', name: 'V1600D::transmitPower' },
        unit: 'dBm-text',
      },
      {
        type: 'optics',
        // opmDiagInfoTable: index = PON port . ONU id, power as '0.03 mW (-14.61 dBm)', the
        // ONU's own receive and transmit; named by the ONU's description
        port: { column: { oid: '1.3.6.1.4.1.37950.1.1.5.12.1.25.1.9', name: 'V1600D::onuAuthInfoDescription2' } },
        rx: { oid: '1.3.6.1.4.1.37950.1.1.5.12.2.1.8.1.7', name: 'V1600D::rxPower' },
        tx: { oid: '1.3.6.1.4.1.37950.1.1.5.12.2.1.8.1.6', name: 'V1600D::txPower' },
        unit: 'dBm-text',
      },
    ],
    verified: true,
    source:
      'recording vsolution_v1600d (V1600D, LibreNMS tests/snmpsim): the PON ports\' transmitPower, named by ponPortDescr, as LibreNMS vsolution.yaml reads them, and 64-bit counters. The ONU rows (opmDiagInfoTable rxPower/txPower, \'0.03 mW (-14.61 dBm)\') are read as the dBm figure; LibreNMS reads the milliwatt figure as dBm there (0.03), so they are checked by hand on the recording, not against LibreNMS',
  },
]
