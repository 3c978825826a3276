/** Zyxel device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

// NWA access points and NXC controllers share sysObjectID 1.3.6.1.4.1.890.1.15 with Zyxel's
// ZyWALL/USG firewalls: only sysDescr tells them apart, as in LibreNMS's zyxelnwa/zyxelwlc detection.
export const PROFILES: DeviceProfile[] = [
  {
    id: 'zyxel-nwa',
    vendor: 'Zyxel',
    description: 'Zyxel NWA access points (ZYXEL-ES-WIRELESS): clients per radio band',
    match: { sysDescrPatterns: ['^NWA'] },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.890.1.15.3.5.15.0', name: 'ZYXEL-ES-WIRELESS::wlanTotalStationCount.0' } },
      {
        type: 'clients',
        kind: 'radio',
        // wlanRadioTable (esWireless 1) is indexed by radio; wlanMode 1/2/3 is the band, as LibreNMS Zyxelnwa.php names it
        value: { oid: '1.3.6.1.4.1.890.1.15.3.5.1.1.2', name: 'ZYXEL-ES-WIRELESS::wlanStationCount' },
        name: { column: { oid: '1.3.6.1.4.1.890.1.15.3.5.1.1.5', name: 'ZYXEL-ES-WIRELESS::wlanMode' }, map: { '1': '2.4GHz', '2': '5GHz', '3': '6GHz' } },
      },
      // every client is on exactly one radio
      { type: 'clients-total', sumOf: 'radio' },
      // wlanStationTable (esWireless 2): one row per client
      { type: 'clients-count', kind: 'ssid', by: { oid: '1.3.6.1.4.1.890.1.15.3.5.2.1.4', name: 'ZYXEL-ES-WIRELESS::stationSSID' } },
    ],
    verified: true,
    source:
      'recording zyxelnwa (LibreNMS tests/snmpsim): total wlanTotalStationCount and per-radio wlanStationCount named by wlanMode, as LibreNMS Zyxelnwa.php reads them. The per-SSID count from wlanStationTable is not read by LibreNMS and not in the recording; its column from ZYXEL-ES-WIRELESS as LibreNMS ships it',
  },

  {
    id: 'zyxel-nxc',
    vendor: 'Zyxel',
    description: 'Zyxel NXC wireless controllers (ZYXEL-ES-CAPWAP): the controller\'s client total',
    match: { sysDescrPatterns: ['^NXC'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.890.1.15.3.3.1.4.0', name: 'ZYXEL-ES-CAPWAP::capwapTotalStation.0' } }],
    verified: true,
    source: 'recording zyxelwlc_nxc2500 (LibreNMS tests/snmpsim, NXC2500): capwapTotalStation, as LibreNMS Zyxelwlc.php reads it, and 64-bit counters',
  },
]
