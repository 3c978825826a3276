/** Aruba device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

// ---------------------------------------------------------------- ArubaOS controllers (WLSX-*-MIB)
/** wlsxWlanAPTable (wlsxWlanAccessPointInfoGroup 4) is indexed by wlanAPMacAddress (6 arcs) */
const WLAN_AP_NAME: Column = { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.3', name: 'WLSX-WLAN-MIB::wlanAPName' }
const WLAN_AP_STATUS: Column = { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.19', name: 'WLSX-WLAN-MIB::wlanAPStatus' } // ArubaAPStatus up(1), down(2)
/** wlsxWlanRadioTable (wlsxWlanAccessPointInfoGroup 5) is indexed by wlanAPMacAddress (6 arcs) . wlanAPRadioNumber */
const WLAN_AP_RADIO_CLIENTS: Column = { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1.7', name: 'WLSX-WLAN-MIB::wlanAPRadioNumAssociatedClients' }
const WLAN_AP_RADIO_AP_NAME: Column = { oid: '1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1.16', name: 'WLSX-WLAN-MIB::wlanAPRadioAPName' }

// ---------------------------------------------------------------- Aruba Instant (AI-AP-MIB)
/** aiWlanSSIDTable is indexed by aiSSIDIndex */
const AI_SSID: Column = { oid: '1.3.6.1.4.1.14823.2.3.3.1.1.7.1.2', name: 'AI-AP-MIB::aiSSID' }
const AI_SSID_CLIENTS: Column = { oid: '1.3.6.1.4.1.14823.2.3.3.1.1.7.1.4', name: 'AI-AP-MIB::aiSSIDClientNum' }
/** aiAccessPointTable is indexed by aiAPMACAddress (6 arcs) */
const AI_AP_NAME: Column = { oid: '1.3.6.1.4.1.14823.2.3.3.1.2.1.1.2', name: 'AI-AP-MIB::aiAPName' }
const AI_AP_SERIAL: Column = { oid: '1.3.6.1.4.1.14823.2.3.3.1.2.1.1.4', name: 'AI-AP-MIB::aiAPSerialNum' }
const AI_AP_STATUS: Column = { oid: '1.3.6.1.4.1.14823.2.3.3.1.2.1.1.11', name: 'AI-AP-MIB::aiAPStatus' } // up(1), down(2)
/** aiRadioTable is indexed by aiRadioAPMACAddress (6 arcs) . aiRadioIndex */
const AI_RADIO_CLIENTS: Column = { oid: '1.3.6.1.4.1.14823.2.3.3.1.2.2.1.21', name: 'AI-AP-MIB::aiRadioClientNum' }
/** aiClientTable is indexed by aiClientMACAddress (6 arcs): one row per associated client */
const AI_CLIENT_MAC: Column = { oid: '1.3.6.1.4.1.14823.2.3.3.1.2.4.1.1', name: 'AI-AP-MIB::aiClientMACAddress' }
const AI_CLIENT_TX_BYTES: Column = { oid: '1.3.6.1.4.1.14823.2.3.3.1.2.4.1.9', name: 'AI-AP-MIB::aiClientTxDataBytes' } // Counter32
const AI_CLIENT_RX_BYTES: Column = { oid: '1.3.6.1.4.1.14823.2.3.3.1.2.4.1.13', name: 'AI-AP-MIB::aiClientRxDataBytes' } // Counter32

export const PROFILES: DeviceProfile[] = [
  {
    id: 'aruba-wlsx',
    vendor: 'Aruba',
    description: 'ArubaOS mobility controllers and Alcatel-Lucent OmniAccess (AOS-W) controllers (WLSX-SWITCH-MIB, WLSX-WLAN-MIB)',
    match: {
      sysObjectIdPrefixes: [
        '1.3.6.1.4.1.14823.1.1', // Aruba switchProducts (controllers) - recordings arubaos, arubaos_vmc
        '1.3.6.1.4.1.6486.800.1.1.2.2.2', // AOS-W, Alcatel-Lucent OmniAccess WLAN (Aruba OEM) - sysObjectID of recording arubaos_aosw
      ],
      sysDescrPatterns: ['ArubaOS', '^AOS-W'],
    },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.14823.2.2.1.1.3.2.0', name: 'WLSX-SWITCH-MIB::wlsxSwitchTotalNumStationsAssociated.0' } },
      // per AP: its radios' counts summed, the AP named in the radio row itself
      { type: 'clients', kind: 'ap', value: WLAN_AP_RADIO_CLIENTS, name: { column: WLAN_AP_RADIO_AP_NAME }, aggregate: 'sum' },
      {
        type: 'aps',
        name: WLAN_AP_NAME,
        mac: { index: true },
        up: { column: WLAN_AP_STATUS, upValues: [1] },
        clients: { column: WLAN_AP_RADIO_CLIENTS, indexSlice: [0, 6] },
      },
    ],
    verified: true,
    source:
      'recordings arubaos (ArubaOS 6.4, 1386 APs) and arubaos_vmc (ArubaMC-VA, 8.10, no APs: 0 clients) (LibreNMS tests/snmpsim): total clients from wlsxSwitchTotalNumStationsAssociated, as LibreNMS Arubaos.php reads it. WLSX-WLAN-MIB column numbers checked against the MIB LibreNMS ships (mibs/arubaos/WLSX-WLAN-MIB). The per-AP breakdown (wlanAPRadioNumAssociatedClients by wlanAPRadioAPName) is not read by LibreNMS: in the arubaos recording its 1380 radio rows (690 APs) add up to 6695 while the total says 2654, so it is not a partition of the total there. wlsxWlanAPTable (aps: name, status) is not in the recordings. arubaos_aruba7210 and arubaos_aosw carry no client counts (identity and processor rows only)',
  },

  {
    id: 'aruba-instant',
    vendor: 'Aruba',
    description: 'Aruba Instant APs and their virtual controller (AI-AP-MIB): per-SSID and per-radio clients',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.14823.1.2'] }, // Aruba apProducts
    include: ['if-mib'],
    reads: [
      { type: 'clients', kind: 'ssid', value: AI_SSID_CLIENTS, name: { column: AI_SSID } },
      // named as LibreNMS names them: the AP's serial number, then the radio index
      { type: 'clients', kind: 'radio', value: AI_RADIO_CLIENTS, name: { column: AI_AP_SERIAL, indexSlice: [0, 6], append: { text: ' Radio ', indexSlice: [6] } } },
      { type: 'clients', kind: 'ap', value: AI_RADIO_CLIENTS, name: { column: AI_AP_NAME, indexSlice: [0, 6] }, aggregate: 'sum' },
      // 8.4 and later: every client is on exactly one SSID
      { type: 'clients-total', sumOf: 'ssid' },
      // before 8.4 there is no aiSSIDClientNum: the client table's rows, as LibreNMS counts them
      { type: 'clients-total', countOf: AI_CLIENT_MAC },
      {
        type: 'aps',
        name: AI_AP_NAME,
        mac: { index: true },
        up: { column: AI_AP_STATUS, upValues: [1] },
        clients: { column: AI_RADIO_CLIENTS, indexSlice: [0, 6] },
      },
      { type: 'stations', mac: { column: AI_CLIENT_MAC }, bytes: [AI_CLIENT_TX_BYTES, AI_CLIENT_RX_BYTES] },
    ],
    verified: true,
    source:
      'recordings aruba-instant (AP 225, 8.4.0.0: per-SSID aiSSIDClientNum, per-radio aiRadioClientNum named "<aiAPSerialNum> Radio <n>", total = sum of SSIDs) and aruba-instant_105 (AP 105, 6.4.4.8: no aiSSIDClientNum, total = rows of aiClientMACAddress, 0 there) (LibreNMS tests/snmpsim), as LibreNMS ArubaInstant.php reads them. Column numbers from AI-AP-MIB as LibreNMS ships it. The per-AP breakdown (radios summed by aiAPName) and the station table are not read by LibreNMS; neither recording has a client row',
  },
]
