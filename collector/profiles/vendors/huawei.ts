/** Huawei device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'huawei-wlan-ac',
    vendor: 'Huawei',
    description: 'Huawei WLAN access controllers (HUAWEI-WLAN-VAP-MIB, HUAWEI-WLAN-AP-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.2011.2.240'], sysDescrPatterns: ['\\bAC6[0-9]{3}\\b', 'AirEngine.*AC'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'clients',
        kind: 'ap',
        // hwWlanVapTable index = AP MAC (6 arcs) . radio . WLAN id
        value: { oid: '1.3.6.1.4.1.2011.6.139.17.1.1.1.9', name: 'HUAWEI-WLAN-VAP-MIB::hwWlanVapStaOnlineCnt' },
        name: { column: { oid: '1.3.6.1.4.1.2011.6.139.13.3.3.1.4', name: 'HUAWEI-WLAN-AP-MIB::hwWlanApName' }, indexSlice: [0, 6] },
        aggregate: 'sum',
      },
      {
        type: 'clients',
        kind: 'radio',
        value: { oid: '1.3.6.1.4.1.2011.6.139.17.1.1.1.9', name: 'HUAWEI-WLAN-VAP-MIB::hwWlanVapStaOnlineCnt' },
        name: { index: true, indexSlice: [6, 7], prefix: 'radio ' },
        aggregate: 'sum',
      },
      { type: 'clients-total', sumOf: 'ap' },
    ],
    verified: false,
    source: 'LibreNMS LibreNMS/OS/Vrp.php (hwWlanVapStaOnlineCnt, index AP MAC.radio.WLAN); hwWlanApName column and the AC sysObjectID prefix unverified',
  },

  {
    id: 'huawei-vrp',
    vendor: 'Huawei',
    description: 'Huawei VRP switches: transceiver power (HUAWEI-ENTITY-EXTENT-MIB, microwatts)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.2011.2.23'], sysDescrPatterns: ['Huawei Versatile Routing Platform'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // indexed by entPhysicalIndex
        port: { column: { oid: '1.3.6.1.2.1.47.1.1.1.1.7', name: 'ENTITY-MIB::entPhysicalName' } },
        rx: { oid: '1.3.6.1.4.1.2011.5.25.31.1.1.3.1.8', name: 'HUAWEI-ENTITY-EXTENT-MIB::hwEntityOpticalRxPower' },
        tx: { oid: '1.3.6.1.4.1.2011.5.25.31.1.1.3.1.9', name: 'HUAWEI-ENTITY-EXTENT-MIB::hwEntityOpticalTxPower' },
        unit: 'uW',
        nullValues: [-1, 2147483647],
      },
    ],
    verified: false,
    source: 'LibreNMS includes/discovery/sensors/dbm/vrp.inc.php (hwEntityOpticalRxPower in microwatts -> uw_to_dbm)',
  },

  {
    id: 'huawei-olt',
    vendor: 'Huawei',
    description: 'Huawei MA5600/MA5800 GPON OLTs: OLT-side optical receive power per PON port (HUAWEI-XPON-MIB, 0.01 dBm)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.2011.2.248', '1.3.6.1.4.1.2011.2.80'], sysDescrPatterns: ['\\bMA5[68]\\d\\d', '\\bEA5800\\b'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // index = PON port ifIndex . ONU id
        port: { index: true },
        rx: { oid: '1.3.6.1.4.1.2011.6.128.1.1.2.51.1.4', name: 'HUAWEI-XPON-MIB::hwGponOltOpticsDdmInfoRxPower' },
        unit: 'dBm',
        divisor: 100,
        nullValues: [2147483647],
      },
    ],
    verified: false,
    source: 'HUAWEI-XPON-MIB hwGponOltOpticsDdmInfoRxPower as used by several OLT pollers; sysObjectID prefixes unverified',
  },
]
