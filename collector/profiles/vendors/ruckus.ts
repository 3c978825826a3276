/** Ruckus device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

const ZD_NUM_STA: Column = { oid: '1.3.6.1.4.1.25053.1.2.1.1.1.15.2.0', name: 'RUCKUS-ZD-SYSTEM-MIB::ruckusZDSystemStatsNumSta.0' }
const UNLEASHED_NUM_STA: Column = { oid: '1.3.6.1.4.1.25053.1.15.1.1.1.15.2.0', name: 'RUCKUS-UNLEASHED-SYSTEM-MIB::ruckusUnleashedSystemStatsNumSta.0' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'ruckus-zonedirector',
    vendor: 'Ruckus',
    description: 'Ruckus ZoneDirector (RUCKUS-ZD-SYSTEM-MIB, RUCKUS-ZD-WLAN-MIB)',
    match: {
      sysObjectIdPrefixes: ['1.3.6.1.4.1.25053.3.1.5'],
      sysDescrPatterns: ['ZoneDirector', '^Ruckus Wireless ZD'],
      // the ZD system group (ruckusZDSystemName, ...Model, ...SerialNumber): served by every ZoneDirector
      tables: [{ oid: '1.3.6.1.4.1.25053.1.2.1.1.1.1', name: 'RUCKUS-ZD-SYSTEM-MIB::ruckusZDSystemInfo' }],
    },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: ZD_NUM_STA },
      // Unleashed up to 200.14 shares the ZD1200's sysObjectID (25053.3.1.5.15; LibreNMS tells them
      // apart by ruckusZDSystemModel): it serves no ZD scalar, and its own total comes next
      { type: 'clients-total', scalar: UNLEASHED_NUM_STA },
      {
        type: 'clients',
        kind: 'ssid',
        value: { oid: '1.3.6.1.4.1.25053.1.2.2.1.1.1.1.1.12', name: 'RUCKUS-ZD-WLAN-MIB::ruckusZDWLANNumSta' },
        name: { column: { oid: '1.3.6.1.4.1.25053.1.2.2.1.1.1.1.1.1', name: 'RUCKUS-ZD-WLAN-MIB::ruckusZDWLANSSID' } },
      },
      { type: 'clients-total', sumOf: 'ssid' },
    ],
    verified: true,
    source:
      'recordings ruckuswireless_zd1100 and ruckuswireless_zd1200 (LibreNMS tests/snmpsim): total and per-SSID clients, as LibreNMS Ruckuswireless.php reads them. The Unleashed fallback total (ruckusUnleashedSystemStatsNumSta, for Unleashed <= 200.14 under 25053.3.1.5.15) is checked on recording ruckuswireless-unleashed under profile ruckus-unleashed',
  },

  {
    id: 'ruckus-unleashed',
    vendor: 'Ruckus',
    description: 'Ruckus Unleashed APs (RUCKUS-UNLEASHED-SYSTEM-MIB): the cluster\'s client total',
    // Unleashed after 200.14; earlier releases answer under the ZD1200's 25053.3.1.5.15 (ruckus-zonedirector)
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.25053.3.1.5.20'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: UNLEASHED_NUM_STA }],
    verified: true,
    source: 'recording ruckuswireless-unleashed (LibreNMS tests/snmpsim, T300, 200.15): ruckusUnleashedSystemStatsNumSta, as LibreNMS RuckuswirelessUnleashed.php reads it',
  },

  {
    id: 'ruckus-smartzone',
    vendor: 'Ruckus',
    description: 'Ruckus SmartZone / vSZ controllers (RUCKUS-SZ-SYSTEM-MIB, RUCKUS-SZ-WLAN-MIB)',
    match: {
      sysObjectIdPrefixes: [
        '1.3.6.1.4.1.25053.3.1.11', // ruckusWirelessSmartZoneProducts - recording ruckuswireless-sz (SZ104)
        '1.3.6.1.4.1.25053.3.1.10', // virtual SmartZone (LibreNMS os definition)
      ],
      sysDescrPatterns: ['SmartZone', '\\bvSZ\\b'],
    },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.25053.1.4.1.1.1.15.2.0', name: 'RUCKUS-SZ-SYSTEM-MIB::ruckusSZSystemStatsNumSta.0' } },
      {
        type: 'clients',
        kind: 'ssid',
        value: { oid: '1.3.6.1.4.1.25053.1.4.2.1.1.1.2.1.12', name: 'RUCKUS-SZ-WLAN-MIB::ruckusSZWLANNumSta' },
        name: { column: { oid: '1.3.6.1.4.1.25053.1.4.2.1.1.1.2.1.1', name: 'RUCKUS-SZ-WLAN-MIB::ruckusSZWLANSSID' } },
      },
      { type: 'clients-total', sumOf: 'ssid' },
    ],
    verified: true,
    source:
      'recording ruckuswireless-sz (LibreNMS tests/snmpsim, SZ104): total ruckusSZSystemStatsNumSta and per-SSID ruckusSZWLANNumSta by ruckusSZWLANSSID, as LibreNMS RuckuswirelessSz.php reads them; the vSZ prefix 25053.3.1.10 is from LibreNMS\'s os definition, not in a recording',
  },

  {
    id: 'ruckus-zoneflex',
    vendor: 'Ruckus',
    description: 'Ruckus ZoneFlex standalone APs (LibreNMS "HotZone"; RUCKUS-RADIO-MIB): clients per radio',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.25053.3.1.4'] }, // ruckusWirelessHotzoneProducts
    include: ['if-mib'],
    reads: [
      {
        type: 'clients',
        kind: 'radio',
        // ruckusRadioStatsTable is indexed by ruckusRadioStatsIndex: radio 1 is the 2.4 GHz one, 2 the 5 GHz one
        value: { oid: '1.3.6.1.4.1.25053.1.1.12.1.1.1.3.1.2', name: 'RUCKUS-RADIO-MIB::ruckusRadioStatsNumSta' },
        name: { index: true, map: { '1': '2.4G', '2': '5G' } },
      },
      // every client is on exactly one radio
      { type: 'clients-total', sumOf: 'radio' },
    ],
    verified: true,
    source:
      'recording ruckuswireless-hotzone (LibreNMS tests/snmpsim, R500): ruckusRadioStatsNumSta rows 1 and 2, which LibreNMS RuckuswirelessHotzone.php labels 2.4G and 5G (the recording has no ruckusRadioMode to tell the band); LibreNMS reads no total, CivicNet\'s is their sum. RUCKUS-RADIO-MIB is not shipped with LibreNMS: object names from the MIB as compiled by pysnmp',
  },
]
