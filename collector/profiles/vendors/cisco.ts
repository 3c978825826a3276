/** Cisco device profiles, as data (see collector/profiles/types.ts). */
import { CISCO_ENTITY_SENSOR_OPTICS } from '../generic.ts'
import type { Column, DeviceProfile, ProfileRead } from '../types.ts'

// ---------------------------------------------------------------- Cisco AIRESPACE-WIRELESS-MIB
const BSN_ESS_SSID: Column = { oid: '1.3.6.1.4.1.14179.2.1.1.1.2', name: 'AIRESPACE-WIRELESS-MIB::bsnDot11EssSsid' }
const BSN_ESS_STATIONS: Column = { oid: '1.3.6.1.4.1.14179.2.1.1.1.38', name: 'AIRESPACE-WIRELESS-MIB::bsnDot11EssNumberOfMobileStations' }
/** bsnAPTable is indexed by the AP's radio MAC (6 arcs) */
const BSN_AP_NAME: Column = { oid: '1.3.6.1.4.1.14179.2.2.1.1.3', name: 'AIRESPACE-WIRELESS-MIB::bsnAPName' }
const BSN_AP_OPER_STATUS: Column = { oid: '1.3.6.1.4.1.14179.2.2.1.1.6', name: 'AIRESPACE-WIRELESS-MIB::bsnAPOperationStatus' }
/** bsnAPIfTable is indexed by AP MAC (6 arcs) . slot */
const BSN_AP_IF_TYPE: Column = { oid: '1.3.6.1.4.1.14179.2.2.2.1.2', name: 'AIRESPACE-WIRELESS-MIB::bsnAPIfType' }
const BSN_AP_IF_USERS: Column = { oid: '1.3.6.1.4.1.14179.2.2.2.1.15', name: 'AIRESPACE-WIRELESS-MIB::bsnApIfNoOfUsers' }
/**
 * CISCO-LWAPP-AP-MIB (ciscoLwappApMIB 1.3.6.1.4.1.9.9.513), served by AireOS controllers next
 * to AIRESPACE-WIRELESS-MIB. cLApTable is indexed by cLApSysMacAddress, the radio MAC that
 * also indexes bsnAPTable; cLApEthernetIfTable by cLApSysMacAddress . cLApEthernetIfSlotId.
 * The Ethernet byte columns are Counter32 in the MIB (Observium polls this table as the thin
 * APs' ports: cLApEthernetIfRxTotalBytes as ifInOctets, cLApEthernetIfTxTotalBytes as ifOutOctets).
 */
const CL_LWAPP_UP_TIME: Column = { oid: '1.3.6.1.4.1.9.9.513.1.1.1.1.7', name: 'CISCO-LWAPP-AP-MIB::cLLwappUpTime' } // TimeTicks: since the AP joined
const CL_AP_ETH_RX_BYTES: Column = { oid: '1.3.6.1.4.1.9.9.513.1.2.2.1.13', name: 'CISCO-LWAPP-AP-MIB::cLApEthernetIfRxTotalBytes' } // Counter32
const CL_AP_ETH_TX_BYTES: Column = { oid: '1.3.6.1.4.1.9.9.513.1.2.2.1.14', name: 'CISCO-LWAPP-AP-MIB::cLApEthernetIfTxTotalBytes' } // Counter32
/** bsnMobileStationTable is indexed by the station MAC (6 arcs) */
const BSN_STA_MAC: Column = { oid: '1.3.6.1.4.1.14179.2.1.4.1.1', name: 'AIRESPACE-WIRELESS-MIB::bsnMobileStationMacAddress' }
const BSN_STA_AP_MAC: Column = { oid: '1.3.6.1.4.1.14179.2.1.4.1.4', name: 'AIRESPACE-WIRELESS-MIB::bsnMobileStationAPMacAddr' }
const BSN_STA_SSID: Column = { oid: '1.3.6.1.4.1.14179.2.1.4.1.7', name: 'AIRESPACE-WIRELESS-MIB::bsnMobileStationSsid' }
const BSN_STA_BYTES_RX: Column = { oid: '1.3.6.1.4.1.14179.2.1.6.1.2', name: 'AIRESPACE-WIRELESS-MIB::bsnMobileStationBytesReceived' }
const BSN_STA_BYTES_TX: Column = { oid: '1.3.6.1.4.1.14179.2.1.6.1.3', name: 'AIRESPACE-WIRELESS-MIB::bsnMobileStationBytesSent' }

/** bsnAPIfType: dot11b(1) is the 2.4 GHz radio, dot11a(2) the 5 GHz one */
const BSN_RADIO_NAMES = { '1': '2.4GHz', '2': '5GHz', '3': 'uwb', '6': '6GHz' }

const AIRESPACE_READS: ProfileRead[] = [
  { type: 'clients', kind: 'ssid', value: BSN_ESS_STATIONS, name: { column: BSN_ESS_SSID } },
  { type: 'clients', kind: 'ap', value: BSN_AP_IF_USERS, name: { column: BSN_AP_NAME, indexSlice: [0, 6] }, aggregate: 'sum' },
  { type: 'clients', kind: 'radio', value: BSN_AP_IF_USERS, name: { column: BSN_AP_IF_TYPE, map: BSN_RADIO_NAMES }, aggregate: 'sum' },
  // every station is on exactly one WLAN, so the WLAN counts add up to the device total
  { type: 'clients-total', sumOf: 'ssid' },
  {
    type: 'aps',
    name: BSN_AP_NAME,
    mac: { index: true },
    up: { column: BSN_AP_OPER_STATUS, upValues: [1] }, // associated(1), disassociating(2), downloading(3)
    clients: { column: BSN_AP_IF_USERS, indexSlice: [0, 6] },
    // the AP's own traffic, which station counters (zeroed at each association) lose when
    // clients leave or roam between polls; cLLwappUpTime restarts when the AP or the
    // controller reboots, which restarts these counters too. Counter32, and cLApEthernetIfTable
    // has no 64-bit byte columns. The port is 1 Gbit/s, which counts 2^32 bytes in 34 s; the
    // rate assumed instead is what an outdoor AP on a public SSID plausibly carries averaged
    // over a poll, 100 Mbit/s each way, so intervals up to 343 s stay exact (docs/COLLECTOR.md,
    // "Counters")
    bytes: { inOctets: CL_AP_ETH_RX_BYTES, outOctets: CL_AP_ETH_TX_BYTES, counter32: true, resetUptime: CL_LWAPP_UP_TIME, maxBitsPerSec: 100e6 },
  },
  {
    type: 'stations',
    mac: { column: BSN_STA_MAC },
    ap: { column: BSN_AP_NAME, viaValueOf: BSN_STA_AP_MAC },
    ssid: { column: BSN_STA_SSID },
    bytes: [BSN_STA_BYTES_RX, BSN_STA_BYTES_TX],
  },
]

export const PROFILES: DeviceProfile[] = [
  {
    id: 'cisco-airespace-wlc',
    vendor: 'Cisco',
    description: 'Cisco AireOS / Mobility Express / Business Wireless controllers (AIRESPACE-WIRELESS-MIB)',
    match: {
      sysObjectIdPrefixes: [
        '1.3.6.1.4.1.14179.1.1.4', // Airespace controllers
        '1.3.6.1.4.1.9.6.1.37', // Cisco Business Wireless (CBW140/240) - recording ciscowlc_cbw240ac
        '1.3.6.1.4.1.9.1.1069', // AIR-CT5508
        '1.3.6.1.4.1.9.1.1279', // AIR-CT2504
        '1.3.6.1.4.1.9.1.1615', // AIR-CT8510
        '1.3.6.1.4.1.9.1.2170', // AIR-CT5520
        '1.3.6.1.4.1.9.1.2427', // AIR-CT3504
      ],
      sysDescrPatterns: ['^Cisco Controller', '^Cisco Business Wireless'],
    },
    include: ['if-mib'],
    reads: AIRESPACE_READS,
    verified: true,
    source:
      'recording ciscowlc_cbw240ac (LibreNMS tests/snmpsim): per-SSID and total clients. AP, radio and station OIDs from AIRESPACE-WIRELESS-MIB (bsnAPEntry, bsnAPIfEntry, bsnMobileStationEntry, bsnMobileStationStatsEntry); the station table is not in the recording. Per-AP bytes from CISCO-LWAPP-AP-MIB cLApEthernetIfRxTotalBytes/TxTotalBytes (Counter32) with cLLwappUpTime, column numbers as in the MIB compiled by pysnmp-mibs and Observium\'s thin-AP ports poller; not in the recording. Model sysObjectIDs from CISCO-PRODUCTS-MIB (unverified)',
  },

  {
    id: 'cisco-c9800',
    vendor: 'Cisco',
    description: 'Catalyst 9800 wireless controllers (IOS-XE), which keep serving AIRESPACE-WIRELESS-MIB',
    match: {
      sysObjectIdPrefixes: [
        '1.3.6.1.4.1.9.1.2391', // C9800-40-K9
        '1.3.6.1.4.1.9.1.2530', // C9800-CL-K9
        '1.3.6.1.4.1.9.1.2669', // C9800-L
        '1.3.6.1.4.1.9.1.2861', // C9800-80-K9
      ],
      sysDescrPatterns: ['C9800'],
    },
    include: ['if-mib'],
    reads: [...AIRESPACE_READS, CISCO_ENTITY_SENSOR_OPTICS],
    verified: false,
    source: 'AIRESPACE-WIRELESS-MIB (supported on 9800 per Cisco\'s 9800 SNMP MIB list); model sysObjectIDs from CISCO-PRODUCTS-MIB, not checked against a device',
  },

  {
    id: 'cisco-ios',
    vendor: 'Cisco',
    description: 'Cisco IOS / IOS-XE switches and routers: IF-MIB counters and CISCO-ENTITY-SENSOR-MIB transceiver power',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.9.1'], sysDescrPatterns: ['Cisco IOS'] },
    include: ['if-mib'],
    reads: [CISCO_ENTITY_SENSOR_OPTICS],
    verified: true,
    source: 'recording ios_2960x (LibreNMS tests/snmpsim): entSensorValue dBm sensors (type 14, scale units, precision 1), 64-bit counters',
  },
]
