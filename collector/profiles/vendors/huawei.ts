/** Huawei device profiles, as data (see collector/profiles/types.ts). */
import { ENT_PHYSICAL_NAME, IF_NAME } from '../generic.ts'
import type { Column, DeviceProfile } from '../types.ts'

/** hwWlanSsidStatisticTable is indexed by hwWlanSsid (OCTET STRING: length, then its bytes) */
const HW_WLAN_SSID_2G_STA_CNT: Column = { oid: '1.3.6.1.4.1.2011.6.139.17.1.2.1.2', name: 'HUAWEI-WLAN-VAP-MIB::hwWlanSsid2gStaCnt' }
const HW_WLAN_SSID_5G_STA_CNT: Column = { oid: '1.3.6.1.4.1.2011.6.139.17.1.2.1.3', name: 'HUAWEI-WLAN-VAP-MIB::hwWlanSsid5gStaCnt' }
const HW_WLAN_SSID_6G_STA_CNT: Column = { oid: '1.3.6.1.4.1.2011.6.139.17.1.2.1.17', name: 'HUAWEI-WLAN-VAP-MIB::hwWlanSsid6gStaCnt' }
const HW_OPTICAL_RX_POWER: Column = { oid: '1.3.6.1.4.1.2011.5.25.31.1.1.3.1.8', name: 'HUAWEI-ENTITY-EXTENT-MIB::hwEntityOpticalRxPower' }
const HW_OPTICAL_TX_POWER: Column = { oid: '1.3.6.1.4.1.2011.5.25.31.1.1.3.1.9', name: 'HUAWEI-ENTITY-EXTENT-MIB::hwEntityOpticalTxPower' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'huawei-wlan-ac',
    vendor: 'Huawei',
    description: 'Huawei WLAN access controllers (HUAWEI-WLAN-VAP-MIB, HUAWEI-WLAN-AP-MIB): clients per SSID, per band and per AP',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.2011.2.240'], sysDescrPatterns: ['\\bAC6[0-9]{3}\\b', 'AirEngine.*AC'] },
    include: ['if-mib'],
    reads: [
      // hwWlanSsidStatisticTable, indexed by the SSID itself (an OCTET STRING index): its
      // stations per band, which LibreNMS's Vrp.php reads and sums per SSID and in all
      {
        type: 'clients',
        kind: 'ssid',
        value: HW_WLAN_SSID_2G_STA_CNT,
        addValues: [HW_WLAN_SSID_5G_STA_CNT, HW_WLAN_SSID_6G_STA_CNT],
        name: { index: true, format: 'text' },
      },
      { type: 'clients', kind: 'radio', value: HW_WLAN_SSID_2G_STA_CNT, name: { index: true, template: '2.4GHz' }, aggregate: 'sum' },
      { type: 'clients', kind: 'radio', value: HW_WLAN_SSID_5G_STA_CNT, name: { index: true, template: '5GHz' }, aggregate: 'sum' },
      { type: 'clients', kind: 'radio', value: HW_WLAN_SSID_6G_STA_CNT, name: { index: true, template: '6GHz' }, aggregate: 'sum' },
      {
        type: 'clients',
        kind: 'ap',
        // hwWlanVapTable index = AP MAC (6 arcs) . radio . WLAN id
        value: { oid: '1.3.6.1.4.1.2011.6.139.17.1.1.1.9', name: 'HUAWEI-WLAN-VAP-MIB::hwWlanVapStaOnlineCnt' },
        name: { column: { oid: '1.3.6.1.4.1.2011.6.139.13.3.3.1.4', name: 'HUAWEI-WLAN-AP-MIB::hwWlanApName' }, indexSlice: [0, 6] },
        aggregate: 'sum',
      },
      { type: 'clients-total', sumOf: 'ssid' },
    ],
    verified: true,
    source:
      'recording vrp_ac6605-26 (AC6605-26-PWR, V200R010C00SPC500) (LibreNMS tests/snmpsim): hwWlanSsid2gStaCnt + hwWlanSsid5gStaCnt per SSID and in all, as LibreNMS Vrp.php reads them (7 clients; its own expected data holds the polled sums). The per-AP hwWlanVapStaOnlineCnt (0 on every VAP of the recording) is not what LibreNMS reads: CivicNet once took its sum as the total, which read 0. hwWlanSsid6gStaCnt (V1.31 of the MIB) is not in the recording',
  },

  {
    id: 'huawei-vrp',
    vendor: 'Huawei',
    description: 'Huawei VRP switches and routers (S, CE, AR, NE): transceiver power from HUAWEI-ENTITY-EXTENT-MIB hwOpticalModuleInfoTable',
    match: {
      sysObjectIdPrefixes: [
        '1.3.6.1.4.1.2011.2.23', // S series switches (S5720: recording vrp_5720)
        '1.3.6.1.4.1.2011.2.62', // NE routers
        '1.3.6.1.4.1.2011.2.224', // AR routers (AR169F: recording vrp_ar169sfp)
        '1.3.6.1.4.1.2011.2.239', // CloudEngine switches
        '1.3.6.1.4.1.2011.2.360', // NE8000 (recording vrp_ne8000-m8)
      ],
      sysDescrPatterns: ['Huawei Versatile Routing Platform', '\\bVRP \\(R\\) software'],
    },
    include: ['if-mib'],
    // hwOpticalModuleInfoTable is indexed by entPhysicalIndex. hwEntityOpticalRxPower/TxPower
    // are microwatts when positive and 0.01 dBm otherwise (the MIB says 0.01 dBm; S5720 serves
    // microwatts, AR and NE8000 0.01 dBm); QSFP/CFP modules put their power in the lane columns
    // (text, 0.01 dBm, lanes comma-separated: the first is read). Three reads, as LibreNMS's
    // vrp.yaml: positive values as microwatts, then the lane columns, then the rest as 0.01 dBm.
    reads: [
      {
        type: 'optics',
        port: { column: ENT_PHYSICAL_NAME },
        rx: HW_OPTICAL_RX_POWER,
        tx: HW_OPTICAL_TX_POWER,
        unit: 'uW',
        validRange: { min: 1 }, // Integer32: above 0
      },
      {
        type: 'optics',
        port: { column: ENT_PHYSICAL_NAME },
        rx: { oid: '1.3.6.1.4.1.2011.5.25.31.1.1.3.1.32', name: 'HUAWEI-ENTITY-EXTENT-MIB::hwEntityOpticalLaneRxPower' },
        tx: { oid: '1.3.6.1.4.1.2011.5.25.31.1.1.3.1.33', name: 'HUAWEI-ENTITY-EXTENT-MIB::hwEntityOpticalLaneTxPower' },
        unit: 'dBm',
        divisor: 100,
        merge: true,
      },
      {
        type: 'optics',
        port: { column: ENT_PHYSICAL_NAME },
        rx: HW_OPTICAL_RX_POWER,
        tx: HW_OPTICAL_TX_POWER,
        unit: 'dBm',
        divisor: 100,
        validRange: { max: 0 },
        // -1: an empty cage (bias, voltage and power all -1 on the S5720)
        nullValues: [-1],
        // no bias current: no module or laser off, and the power reads a meaningless 0
        absentWhen: { column: { oid: '1.3.6.1.4.1.2011.5.25.31.1.1.3.1.7', name: 'HUAWEI-ENTITY-EXTENT-MIB::hwEntityOpticalBiasCurrent' }, equals: 0 },
        merge: true,
      },
    ],
    verified: true,
    source:
      'recordings vrp_5720 (S5720, microwatts), vrp_ne8000-m8 (NE8000, lane columns and microwatt Tx), vrp_ar169sfp (AR169F, 0.01 dBm) (LibreNMS tests/snmpsim): every dBm value LibreNMS reads, read as its resources/definitions/os_discovery/vrp.yaml does (uw_to_dbm above 0, divisor 100 otherwise, lane columns first), and 64-bit counters. LibreNMS also skips admin-down entities (hwEntityAdminStatus 12); CivicNet reads them',
  },

  {
    id: 'huawei-olt',
    vendor: 'Huawei',
    description: 'Huawei SmartAX MA5600/MA5800 GPON OLTs: PON port transceiver transmit power (HUAWEI-XPON-MIB, 0.01 dBm)',
    match: {
      // LibreNMS os_detection/smartax.yaml
      sysObjectIdPrefixes: ['1.3.6.1.4.1.2011.2.80.8', '1.3.6.1.4.1.2011.2.115', '1.3.6.1.4.1.2011.2.123', '1.3.6.1.4.1.2011.2.133', '1.3.6.1.4.1.2011.2.248'],
      sysDescrPatterns: ['^Huawei Integrated Access Software', '\\bMA5[68]\\d\\d', '\\bEA5800\\b'],
    },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // hwGponOltOpticsDdmInfoTable is indexed by the PON port's ifIndex
        port: { column: IF_NAME },
        tx: { oid: '1.3.6.1.4.1.2011.6.128.1.1.2.23.1.4', name: 'HUAWEI-XPON-MIB::hwGponOltOpticsDdmInfoTxPower' },
        // the OLT side of a PON receives in bursts, one per ONT: the MA5800 serves 2147483647 here
        rx: { oid: '1.3.6.1.4.1.2011.6.128.1.1.2.23.1.5', name: 'HUAWEI-XPON-MIB::hwGponOltOpticsDdmInfoRxPower' },
        unit: 'dBm',
        divisor: 100,
        // an empty SFP cage reads 2147483647 (LibreNMS: skip_value_gt 999999)
        validRange: { max: 999999 },
      },
    ],
    verified: true,
    source:
      'recording smartax (MA5800, LibreNMS tests/snmpsim): the 32 PON port Tx powers LibreNMS reads (smartax.yaml, hwGponOltOpticsDdmInfoTxPower / 100, named by ifName), and 64-bit counters; Rx is 2147483647 on every port there (no reading). Other sysObjectIDs from LibreNMS os_detection/smartax.yaml (unverified)',
  },
]
