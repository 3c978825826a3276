/** Infinera (Coriant) device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

// LUM-IFPERF-MIB / LUM-OA-MIB "no value": 2147483646 (not available), -2147483648 (not
// applicable), and 0, which the XTM serves for ports without a laser (LibreNMS skips all three)
const XTM_NO_VALUE = [0, 2147483646, -2147483648]

export const PROFILES: DeviceProfile[] = [
  {
    id: 'infinera-xtm',
    vendor: 'Infinera',
    description: 'Infinera (Transmode) XTM series: transceiver (LUM-IFPERF-MIB) and amplifier (LUM-OA-MIB) power, 0.1 dBm',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.8708'], sysDescrPatterns: ['Embedded Node Manager'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // ifPerfL0Table: one row per optical (layer 0) interface, named 'clientL0:1:2:5-6'
        port: { column: { oid: '1.3.6.1.4.1.8708.2.56.2.6.1.1.2', name: 'LUM-IFPERF-MIB::ifPerfL0Name' } },
        rx: { oid: '1.3.6.1.4.1.8708.2.56.2.6.1.1.4', name: 'LUM-IFPERF-MIB::ifPerfL0RxPower' },
        tx: { oid: '1.3.6.1.4.1.8708.2.56.2.6.1.1.5', name: 'LUM-IFPERF-MIB::ifPerfL0TxPower' },
        unit: 'dBm',
        divisor: 10,
        nullValues: XTM_NO_VALUE,
      },
      {
        type: 'optics',
        // oaIfTable: amplifier input and output, named 'oa:1:11:1-2'
        port: { column: { oid: '1.3.6.1.4.1.8708.2.19.2.2.1.1.2', name: 'LUM-OA-MIB::oaIfName' } },
        rx: { oid: '1.3.6.1.4.1.8708.2.19.2.2.1.1.20', name: 'LUM-OA-MIB::oaIfRxPowerLevel' },
        tx: { oid: '1.3.6.1.4.1.8708.2.19.2.2.1.1.19', name: 'LUM-OA-MIB::oaIfTxPowerLevel' },
        unit: 'dBm',
        divisor: 10,
        nullValues: XTM_NO_VALUE,
      },
    ],
    verified: true,
    source:
      'recording infinera-xtm_infinera-xtm-r33b-43 (XTM R33B, LibreNMS tests/snmpsim): ifPerfL0RxPower/TxPower and oaIfRxPowerLevel/TxPowerLevel / 10, named by ifPerfL0Name and oaIfName, as LibreNMS infinera-xtm.yaml reads them (its amplifier labels put oaIfSubrack in front), and 64-bit counters. Amplifier gain (dB) is not read',
  },

  {
    id: 'infinera-groove',
    vendor: 'Infinera',
    description: 'Infinera (Coriant) Groove G30 DCI transponders: port optical power from CORIANT-GROOVE-MIB (dBm, text)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.42229.1.2'], sysDescrPatterns: ['\\bGroove G\\d+\\b'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // portTable index = shelf . slot . subslot . port; named shelf/slot/port as the Groove
        // CLI does (without its 'port-' or 'och-os-' prefix). -99 is the Groove's no-light floor
        port: { index: true, template: '{0}/{1}/{3}' },
        rx: { oid: '1.3.6.1.4.1.42229.1.2.3.6.1.1.4', name: 'CORIANT-GROOVE-MIB::portRxOpticalPower' },
        tx: { oid: '1.3.6.1.4.1.42229.1.2.3.6.1.1.5', name: 'CORIANT-GROOVE-MIB::portTxOpticalPower' },
        unit: 'dBm',
        // up(1) and 3 (served by the G30, not in the MIB), as LibreNMS infinera-groove.inc.php
        onlyWhen: { column: { oid: '1.3.6.1.4.1.42229.1.2.3.6.1.1.19', name: 'CORIANT-GROOVE-MIB::portAdminStatus' }, equals: [1, 3] },
      },
    ],
    verified: true,
    source:
      'recording infinera-groove (G30 3.0.3, LibreNMS tests/snmpsim): portRxOpticalPower/TxOpticalPower of admin-up ports, as LibreNMS includes/discovery/sensors/dbm/infinera-groove.inc.php reads them. The Groove serves no IF-MIB; LibreNMS makes ports from its eth100g.. tables, which CivicNet does not read',
  },
]
