/**
 * Vendor profiles, as data. `verified: true` means test/collector/recordings.test.ts reads the
 * numbers LibreNMS expects from a real recording of that device family; `verified: false`
 * profiles carry the source their OIDs came from and wait for a recording or a device.
 */
import { CISCO_ENTITY_SENSOR_OPTICS } from './generic.ts'
import type { Column, DeviceProfile, ProfileRead } from './types.ts'

const IF_NAME: Column = { oid: '1.3.6.1.2.1.31.1.1.1.1', name: 'IF-MIB::ifName' }

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

// ---------------------------------------------------------------- UBNT-UniFi-MIB (unifiVapTable)
export const UNIFI_VAP_ESSID: Column = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.6', name: 'UBNT-UniFi-MIB::unifiVapEssId' }
export const UNIFI_VAP_NUM_STATIONS: Column = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.8', name: 'UBNT-UniFi-MIB::unifiVapNumStations' }
export const UNIFI_VAP_RADIO: Column = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.9', name: 'UBNT-UniFi-MIB::unifiVapRadio' }

export const VENDOR_PROFILES: DeviceProfile[] = [
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
  {
    id: 'aruba-wlsx',
    vendor: 'Aruba',
    description: 'ArubaOS mobility controllers (WLSX-SWITCH-MIB, WLSX-WLAN-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.14823.1.1'], sysDescrPatterns: ['ArubaOS'] },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.14823.2.2.1.1.3.2.0', name: 'WLSX-SWITCH-MIB::wlsxSwitchTotalNumStationsAssociated.0' } },
      {
        type: 'clients',
        kind: 'ap',
        // wlsxWlanRadioTable: index = AP MAC (6 arcs) . radio number
        value: { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1.7', name: 'WLSX-WLAN-MIB::wlanAPRadioNumAssociatedClients' },
        name: { column: { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.3', name: 'WLSX-WLAN-MIB::wlanAPName' }, indexSlice: [0, 6] },
        aggregate: 'sum',
      },
      {
        type: 'aps',
        name: { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.3', name: 'WLSX-WLAN-MIB::wlanAPName' },
        mac: { index: true },
        up: { column: { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.19', name: 'WLSX-WLAN-MIB::wlanAPStatus' }, upValues: [1] },
        clients: { column: { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1.7', name: 'WLSX-WLAN-MIB::wlanAPRadioNumAssociatedClients' }, indexSlice: [0, 6] },
      },
    ],
    verified: false,
    source: 'LibreNMS LibreNMS/OS/Arubaos.php (wlsxSwitchTotalNumStationsAssociated); WLSX-WLAN-MIB wlsxWlanRadioEntry/wlsxWlanAPEntry column numbers from the MIB as compiled by pysnmp-mibs; wlanAPName/wlanAPStatus column numbers unverified',
  },
  {
    id: 'ruckus-zonedirector',
    vendor: 'Ruckus',
    description: 'Ruckus ZoneDirector (RUCKUS-ZD-SYSTEM-MIB, RUCKUS-ZD-WLAN-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.25053.3.1.5'], sysDescrPatterns: ['ZoneDirector', '^Ruckus Wireless ZD'] },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.25053.1.2.1.1.1.15.2.0', name: 'RUCKUS-ZD-SYSTEM-MIB::ruckusZDSystemStatsNumSta.0' } },
      {
        type: 'clients',
        kind: 'ssid',
        value: { oid: '1.3.6.1.4.1.25053.1.2.2.1.1.1.1.1.12', name: 'RUCKUS-ZD-WLAN-MIB::ruckusZDWLANNumSta' },
        name: { column: { oid: '1.3.6.1.4.1.25053.1.2.2.1.1.1.1.1.1', name: 'RUCKUS-ZD-WLAN-MIB::ruckusZDWLANSSID' } },
      },
    ],
    verified: true,
    source: 'recording ruckuswireless_zd1100 (LibreNMS tests/snmpsim)',
  },
  {
    id: 'ruckus-smartzone',
    vendor: 'Ruckus',
    description: 'Ruckus SmartZone / vSZ controllers (RUCKUS-SZ-SYSTEM-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.25053.3.1.11'], sysDescrPatterns: ['SmartZone', '\\bvSZ\\b'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.25053.1.4.1.1.1.15.2.0', name: 'RUCKUS-SZ-SYSTEM-MIB::ruckusSZSystemStatsNumSta.0' } }],
    verified: false,
    source: 'LibreNMS LibreNMS/OS/RuckuswirelessSz.php (ruckusSZSystemStatsNumSta); sysObjectID prefix from LibreNMS os definition, unverified',
  },
  {
    id: 'ubiquiti-unifi',
    vendor: 'Ubiquiti',
    description: 'UniFi access points (UBNT-UniFi-MIB); they report the generic Linux sysObjectID, so they match on sysDescr',
    match: {
      sysObjectIdPrefixes: ['1.3.6.1.4.1.41112.1.6'],
      sysDescrPatterns: ['^(UAP|U6|U7|UAL|UAE|UAC|UK-|BZ2|U2)[-A-Za-z0-9]*\\s'],
    },
    include: ['if-mib', 'host-resources'],
    reads: [
      // unifiVapTable has one row per SSID x radio: sum rows per SSID, and per radio
      { type: 'clients', kind: 'ssid', value: UNIFI_VAP_NUM_STATIONS, name: { column: UNIFI_VAP_ESSID }, aggregate: 'sum' },
      { type: 'clients', kind: 'radio', value: UNIFI_VAP_NUM_STATIONS, name: { column: UNIFI_VAP_RADIO }, aggregate: 'sum' },
      { type: 'clients-total', sumOf: 'ssid' },
    ],
    verified: true,
    source: 'recording unifi_nanohd (LibreNMS tests/snmpsim)',
  },
  {
    id: 'ubiquiti-airos',
    vendor: 'Ubiquiti',
    description: 'airMAX / airOS radios (UBNT-AirMAX-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.10002.1', '1.3.6.1.4.1.41112.1.4'], sysDescrPatterns: ['airOS'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'clients',
        kind: 'ssid',
        value: { oid: '1.3.6.1.4.1.41112.1.4.5.1.15', name: 'UBNT-AirMAX-MIB::ubntWlStatStaCount' },
        name: { column: { oid: '1.3.6.1.4.1.41112.1.4.5.1.2', name: 'UBNT-AirMAX-MIB::ubntWlStatSsid' } },
      },
      { type: 'clients-total', sumOf: 'ssid' },
      { type: 'stations', mac: { column: { oid: '1.3.6.1.4.1.41112.1.4.7.1.1', name: 'UBNT-AirMAX-MIB::ubntStaMac' } } },
    ],
    verified: false,
    source: 'LibreNMS LibreNMS/OS/Airos.php (ubntWlStatStaCount.1); UBNT-AirMAX-MIB ubntWlStatEntry/ubntStaEntry column numbers',
  },
  {
    id: 'mikrotik-routeros',
    vendor: 'MikroTik',
    description: 'MikroTik RouterOS (MIKROTIK-MIB): clients per wireless interface, SFP optics',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.14988.1'], sysDescrPatterns: ['RouterOS'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'clients',
        kind: 'interface',
        // mtxrWlApTable is indexed by ifIndex, so the row's name is its ifName
        value: { oid: '1.3.6.1.4.1.14988.1.1.1.3.1.6', name: 'MIKROTIK-MIB::mtxrWlApClientCount' },
        name: { column: IF_NAME },
      },
      { type: 'clients-total', sumOf: 'interface' },
      {
        type: 'optics',
        port: { column: { oid: '1.3.6.1.4.1.14988.1.1.19.1.1.2', name: 'MIKROTIK-MIB::mtxrOpticalName' } },
        rx: { oid: '1.3.6.1.4.1.14988.1.1.19.1.1.10', name: 'MIKROTIK-MIB::mtxrOpticalRxPower' },
        tx: { oid: '1.3.6.1.4.1.14988.1.1.19.1.1.9', name: 'MIKROTIK-MIB::mtxrOpticalTxPower' },
        unit: 'dBm',
        divisor: 1000,
      },
      // registration table: index = station MAC . ifIndex (not in the recording)
      { type: 'stations', mac: { column: { oid: '1.3.6.1.4.1.14988.1.1.1.2.1.1', name: 'MIKROTIK-MIB::mtxrWlRtabAddr' } } },
    ],
    verified: true,
    source: 'recording routeros (LibreNMS tests/snmpsim): clients and optics; mtxrWlRtabAddr station table from MIKROTIK-MIB, not in the recording',
  },
  {
    id: 'cambium-pmp',
    vendor: 'Cambium',
    description: 'Cambium PMP 450 / Canopy access points (WHISP-APS-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.161.19.250'], sysDescrPatterns: ['^CANOPY'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.161.19.3.1.7.1.0', name: 'WHISP-APS-MIB::regCount.0' } }],
    verified: true,
    source: 'recording pmp_450 (LibreNMS tests/snmpsim)',
  },
  {
    id: 'extreme-wireless',
    vendor: 'Extreme',
    description: 'Extreme (HiPath / IdentiFi) wireless controllers (HIPATH-WIRELESS-HWC-MIB)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.4329.15.1'], sysDescrPatterns: ['Extreme Networks Wireless Controller', 'HiPath Wireless'] },
    include: ['if-mib'],
    reads: [
      // LibreNMS Ewc.php reads this scalar as 'Connected Clients' without naming the object
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.4329.15.3.6.1.0', name: 'HIPATH-WIRELESS-HWC-MIB (mobile units scalar, "Connected Clients")' } },
      {
        type: 'clients',
        kind: 'ap',
        value: { oid: '1.3.6.1.4.1.4329.15.3.5.2.2.1.14', name: 'HIPATH-WIRELESS-HWC-MIB::apStatsMuCounts' },
        name: { column: { oid: '1.3.6.1.4.1.4329.15.3.5.1.2.1.2', name: 'HIPATH-WIRELESS-HWC-MIB::apName' } },
      },
      {
        type: 'clients',
        kind: 'ssid',
        value: { oid: '1.3.6.1.4.1.4329.15.3.3.4.5.1.2', name: 'HIPATH-WIRELESS-HWC-MIB::wlanStatsAssociatedClients' },
        name: { column: { oid: '1.3.6.1.4.1.4329.15.3.3.4.4.1.4', name: 'HIPATH-WIRELESS-HWC-MIB::wlanName' } },
      },
      {
        type: 'aps',
        name: { oid: '1.3.6.1.4.1.4329.15.3.5.1.2.1.2', name: 'HIPATH-WIRELESS-HWC-MIB::apName' },
        up: { column: { oid: '1.3.6.1.4.1.4329.15.3.5.1.2.1.22', name: 'HIPATH-WIRELESS-HWC-MIB::apState' }, upValues: [1] },
        clients: { column: { oid: '1.3.6.1.4.1.4329.15.3.5.2.2.1.14', name: 'HIPATH-WIRELESS-HWC-MIB::apStatsMuCounts' } },
      },
    ],
    verified: true,
    source: 'recording ewc (LibreNMS tests/snmpsim): total, per-AP, per-SSID clients; apState column (AP up/down) from other projects\' definitions, not in the recording',
  },
  {
    id: 'fortinet-fortiap',
    vendor: 'Fortinet',
    description: 'FortiAPs managed by a FortiGate wireless controller (FORTINET-FORTIGATE-MIB fgWc*)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.12356.101.1'], sysDescrPatterns: ['FortiGate'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'clients',
        kind: 'ap',
        value: { oid: '1.3.6.1.4.1.12356.101.14.4.4.1.17', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpSessionWtpStationCount' },
        name: { column: { oid: '1.3.6.1.4.1.12356.101.14.4.3.1.3', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpConfigWtpName' } },
      },
      { type: 'clients-total', sumOf: 'ap' },
      {
        type: 'aps',
        name: { oid: '1.3.6.1.4.1.12356.101.14.4.3.1.3', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpConfigWtpName' },
        up: { column: { oid: '1.3.6.1.4.1.12356.101.14.4.4.1.7', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpSessionConnectionState' }, upValues: [2] }, // onLine(2)
        clients: { column: { oid: '1.3.6.1.4.1.12356.101.14.4.4.1.17', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpSessionWtpStationCount' } },
      },
    ],
    verified: false,
    source: 'FORTINET-FORTIGATE-MIB fgWcWtpConfigEntry/fgWcWtpSessionEntry as used by Checkmk fortigate_ap and Centreon; not checked against a device',
  },
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
  {
    id: 'juniper-junos',
    vendor: 'Juniper',
    description: 'Juniper JUNOS switches and routers: JUNIPER-DOM-MIB transceiver power (0.01 dBm)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.2636.1.1.1'], sysDescrPatterns: ['JUNOS'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // jnxDomCurrentTable is indexed by ifIndex
        port: { column: IF_NAME },
        rx: { oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.5', name: 'JUNIPER-DOM-MIB::jnxDomCurrentRxLaserPower' },
        tx: { oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.7', name: 'JUNIPER-DOM-MIB::jnxDomCurrentTxLaserOutputPower' },
        unit: 'dBm',
        divisor: 100,
        // no bias current: no module or laser off, and the power columns read a meaningless 0
        absentWhen: { column: { oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.6', name: 'JUNIPER-DOM-MIB::jnxDomCurrentTxLaserBiasCurrent' }, equals: 0 },
      },
    ],
    verified: true,
    source: 'recording junos_qfx5100 (LibreNMS tests/snmpsim)',
  },
  {
    id: 'arista-eos',
    vendor: 'Arista',
    description: 'Arista EOS switches: transceiver power from ENTITY-SENSOR-MIB',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.30065.1'], sysDescrPatterns: ['Arista Networks EOS'] },
    include: ['if-mib', 'entity-sensor'],
    reads: [],
    verified: false,
    source: 'ENTITY-SENSOR-MIB (RFC 3433) with Arista\'s dBm sensor type; not checked against an Arista recording',
  },
  {
    id: 'nokia-isam',
    vendor: 'Nokia',
    description: 'Nokia (Alcatel-Lucent) ISAM access nodes: SFP diagnostics as text ("-4.94 dBm")',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.637.61.1'], sysDescrPatterns: ['\\bISAM\\b'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // sfpDiagTable index = slot . SFP port
        port: { index: true, prefix: 'sfp ' },
        rx: { oid: '1.3.6.1.4.1.637.61.1.56.5.1.7', name: 'SFP-MIB::sfpDiagRxPower' },
        tx: { oid: '1.3.6.1.4.1.637.61.1.56.5.1.6', name: 'SFP-MIB::sfpDiagTxPower' },
        unit: 'dBm-text',
      },
    ],
    verified: false,
    source: 'LibreNMS nokia-isam dbm discovery and Centreon (sfpDiagRxPower .7, sfpDiagTxPower .6 of sfpDiagTable); not checked against a device',
  },
]
