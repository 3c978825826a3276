/** Xirrus device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

/** stationAssociationTable (XIRRUS-MIB stations 1) is indexed by stationAssociationIndex: one row per associated station */
const STATION_IAP: Column = { oid: '1.3.6.1.4.1.21013.1.2.22.1.1.6', name: 'XIRRUS-MIB::stationAssociationIAP' }
const STATION_SSID: Column = { oid: '1.3.6.1.4.1.21013.1.2.22.1.1.7', name: 'XIRRUS-MIB::stationAssociationSSID' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'xirrus-arrayos',
    vendor: 'Xirrus',
    description: 'Xirrus Wi-Fi Arrays (ArrayOS, XIRRUS-MIB): clients of the array, per radio (IAP) and per SSID',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.21013.1'], sysDescrPatterns: ['Xirrus', 'ArrayOS'] },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.21013.1.2.12.1.2.22.0', name: 'XIRRUS-MIB::globalNumStations.0' } },
      // the station table counted by the IAP (radio) each station is on, as LibreNMS XirrusAos.php polls it
      { type: 'clients-count', kind: 'radio', by: STATION_IAP },
      {
        type: 'clients-count',
        kind: 'ssid',
        by: STATION_SSID,
        listed: { oid: '1.3.6.1.4.1.21013.1.2.20.1.1.2', name: 'XIRRUS-MIB::ssidName' },
      },
    ],
    verified: true,
    source:
      'recording xirrus_aos (LibreNMS tests/snmpsim, XD4-130): total globalNumStations, as LibreNMS XirrusAos.php reads it, and 64-bit counters. The per-radio (stationAssociationIAP) and per-SSID (stationAssociationSSID, ssidName) counts are not in the recording (no station associated, no ssidTable); column numbers from XIRRUS-MIB as LibreNMS ships it',
  },
]
