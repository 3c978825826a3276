/** Aruba (HPE) AOS-CX switch profiles, as data (see collector/profiles/types.ts). */
import { IF_NAME } from '../generic.ts'
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'aruba-aoscx',
    vendor: 'Aruba',
    description: 'Aruba AOS-CX switches: per-lane transceiver power (ARUBAWIRED-PM-MIB, milliwatts as text)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.47196.4.1.1.1'], sysDescrPatterns: ['ArubaOS-CX', '\\bAOS-CX\\b'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // arubaWiredPmXcvrLaneDomTable, index = ifIndex . lane; values are text in mW
        // ('0.6451'), 'n/a' where no module is present (no reading)
        port: { column: IF_NAME, indexSlice: [0, 1] },
        rx: { oid: '1.3.6.1.4.1.47196.4.1.1.3.27.1.2.2.1.12', name: 'ARUBAWIRED-PM-MIB::arubaWiredPmXcvrLaneDomRxPower' },
        tx: { oid: '1.3.6.1.4.1.47196.4.1.1.3.27.1.2.2.1.7', name: 'ARUBAWIRED-PM-MIB::arubaWiredPmXcvrLaneDomTxPower' },
        unit: 'mW',
        lane: { indexSlice: [1, 2] },
      },
    ],
    verified: true,
    source:
      'recordings arubaos-cx_10.16 (an SFP: one lane, read as the port), arubaos-cx_100gb (a QSFP28: four lanes, read as \'1/1/36 Lane 1\'..\'Lane 4\') (LibreNMS tests/snmpsim): arubaWiredPmXcvrLaneDomRxPower/TxPower as LibreNMS\'s arubaos-cx.yaml reads them (mW, mw_to_dbm)',
  },
]
