/** Cisco device profiles, as data (see collector/profiles/types.ts). */
import { CISCO_ENTITY_SENSOR_OPTICS, IF_DESCR } from '../generic.ts'
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
        '1.3.6.1.4.1.9.1.1069', // AIR-CT5508 - recording ciscowlc
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
      'recordings ciscowlc_cbw240ac (LibreNMS tests/snmpsim): per-SSID and total clients; ciscowlc (an AIR-CT5508, sysObjectID 1.3.6.1.4.1.9.1.1069): matched by sysObjectID, its recording holds identity and three processor scalars only, so LibreNMS reads no clients and neither does CivicNet (total null). AP, radio and station OIDs from AIRESPACE-WIRELESS-MIB (bsnAPEntry, bsnAPIfEntry, bsnMobileStationEntry, bsnMobileStationStatsEntry); the station table is not in the recording. Per-AP bytes from CISCO-LWAPP-AP-MIB cLApEthernetIfRxTotalBytes/TxTotalBytes (Counter32) with cLLwappUpTime, column numbers as in the MIB compiled by pysnmp-mibs and Observium\'s thin-AP ports poller; not in the recording. Model sysObjectIDs from CISCO-PRODUCTS-MIB (unverified)',
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
    source:
      'AIRESPACE-WIRELESS-MIB (supported on 9800 per Cisco\'s 9800 SNMP MIB list); model sysObjectIDs from CISCO-PRODUCTS-MIB. No recording: LibreNMS\'s tests/data/iosxe_c9800.json expects, from a C9800 (sysObjectID 1.3.6.1.4.1.9.1.2861, IOS-XE 17.9.4), 8 per-SSID sensors of bsnDot11EssNumberOfMobileStations totalling 41 clients, but its recording tests/snmpsim/iosxe_c9800.snmprec (over 4 MiB) is not in the snapshot (its blob is absent; the iosxe_c9800@N context files are empty). The only other IOS-XE controller recording, iosxe_ct5760 (AIR-CT5760, sysObjectID 1.3.6.1.4.1.9.1.2067), serves bsnDot11EssNumberOfMobileStations as empty strings, and LibreNMS\'s tests/data/iosxe_ct5760.json covers the os module only: no client count to check against',
  },

  {
    id: 'cisco-ios',
    vendor: 'Cisco',
    // IOS-XE and IOS-XR share IOS's sysObjectID space (CISCO-PRODUCTS-MIB ciscoProducts) and
    // serve optics the same way, as CISCO-ENTITY-SENSOR-MIB sensors named by entPhysicalName
    description: 'Cisco IOS, IOS-XE and IOS-XR switches and routers: IF-MIB counters and CISCO-ENTITY-SENSOR-MIB transceiver power',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.9.1'], sysDescrPatterns: ['Cisco IOS'] },
    include: ['if-mib'],
    reads: [CISCO_ENTITY_SENSOR_OPTICS],
    verified: true,
    source:
      'recordings ios_2960x, iosxe_c9200l, iosxe_c9500h-svl, iosxe_isr4321, iosxe_ir1101, iosxe_c8500-20x6c, iosxr_asr9001, iosxr_ncs55a2 (LibreNMS tests/snmpsim). ' +
      'IOS ios_2960x: entSensorValue dBm(14), scale units, precision 1, 64-bit counters. ' +
      'IOS-XE iosxe_c9200l, iosxe_c9500h-svl (port-level Transmit/Receive Power next to per-lane sensors, which CivicNet leaves to the port-level one), iosxe_isr4321, iosxe_ir1101, iosxe_c8500-20x6c (routers: sensors named \'subslot 0/0 transceiver 0 Rx Power Sensor\', printed with capitalised words as LibreNMS does). ' +
      'IOS-XR iosxr_asr9001 (watts(6), scale milli, precision 4: 10*log10(mW), as LibreNMS\'s mw_to_dbm; -32768 is no reading), iosxr_ncs55a2 (dBm(14), scale units, precision 5, \'TenGigE0/0/0/0-Rx Lane Power\')',
  },

  {
    id: 'cisco-nxos',
    vendor: 'Cisco',
    description: 'Cisco NX-OS (Nexus) switches: IF-MIB counters and CISCO-ENTITY-SENSOR-MIB transceiver power',
    // NX-OS reports chassis OIDs of CISCO-ENTITY-VENDORTYPE-OID-MIB cevChassis (1.3.6.1.4.1.9.12.3.1.3), not ciscoProducts
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.9.12.3.1.3'], sysDescrPatterns: ['Cisco NX-OS'] },
    include: ['if-mib'],
    reads: [CISCO_ENTITY_SENSOR_OPTICS],
    verified: true,
    source:
      'recordings nxos_n3k-3064pq, nxos_n9k-c93180yc-fx3 (LibreNMS tests/snmpsim): entSensorValue dBm(14), scale milli, precision 0, one \'Ethernet1/1 Lane 1 Transceiver Receive Power Sensor\' per SFP direction (read as the port), no entSensorStatus column',
  },

  {
    id: 'cisco-sb',
    vendor: 'Cisco',
    description: 'Cisco Small Business / Catalyst 1200-1300 switches (SG/SX 350, 550, C1200): transceiver power from CISCOSB-PHY-MIB (0.001 dBm)',
    match: {
      sysObjectIdPrefixes: [
        '1.3.6.1.4.1.9.6.1', // ciscoSB products (the longer CBW controller prefix above still wins for those)
        '1.3.6.1.4.1.9.1.3211', // C1200-8T-E-2G, which reports a ciscoProducts OID - recording ciscosb_c1200-8t-e-2g
      ],
      sysDescrPatterns: ['^Catalyst 1[23]00X? Series'],
    },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // rlPhyTestGetResult (rlPhyTestTableResult column), index = ifIndex . test type:
        // rlPhyTestTableRxOpticalPower(9), rlPhyTestTableTxOutput(8); named by ifDescr as
        // LibreNMS does ('TenGigabitEthernet1/0/1'; the ifName reads 'te1/0/1')
        port: { column: IF_DESCR },
        rx: { oid: '1.3.6.1.4.1.9.6.1.101.90.1.2.1.3', name: 'CISCOSB-PHY-MIB::rlPhyTestGetResult' },
        tx: { oid: '1.3.6.1.4.1.9.6.1.101.90.1.2.1.3', name: 'CISCOSB-PHY-MIB::rlPhyTestGetResult' },
        lastArc: { rx: '9', tx: '8' },
        unit: 'dBm',
        divisor: 1000,
        // both 0: no module (LibreNMS's sensors/dbm/ciscosb.inc.php skips a direction whose other one reads 0)
        absentWhenBoth: 0,
      },
    ],
    verified: true,
    source:
      'recordings ciscosb_c1200-8t-e-2g (Catalyst 1200, sysObjectID 1.3.6.1.4.1.9.1.3211), ciscosb_sx550x-24f (SX550X-24F) (LibreNMS tests/snmpsim): rlPhyTestTableRxOpticalPower/TxOutput in 0.001 dBm. ciscosb_sg350x-48 is not imported: LibreNMS\'s test data has no ports, so its labels name no port',
  },
]
