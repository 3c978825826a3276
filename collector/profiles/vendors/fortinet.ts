/** Fortinet device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

// ---------------------------------------------------------------- FORTINET-FORTIAP-MIB (a FortiAP's own agent)
/** fapVapTable is indexed by fapVapRadioId . fapVapWlanId */
const FAP_VAP_SSID: Column = { oid: '1.3.6.1.4.1.12356.120.7.1.1.4', name: 'FORTINET-FORTIAP-MIB::fapVapSSID' }
const FAP_VAP_STA_COUNT: Column = { oid: '1.3.6.1.4.1.12356.120.7.1.1.45', name: 'FORTINET-FORTIAP-MIB::fapVapStaInfoCount' }

// ---------------------------------------------------------------- FORTINET-FORTIGATE-MIB (FortiGate as wireless controller)
/** fgWcWtpConfigTable and fgWcWtpSessionTable are indexed by fgVdEntIndex . fgWcWtpId (a length-prefixed string) */
const FG_WTP_NAME: Column = { oid: '1.3.6.1.4.1.12356.101.14.4.3.1.3', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpConfigWtpName' }
const FG_WTP_STATE: Column = { oid: '1.3.6.1.4.1.12356.101.14.4.4.1.7', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpSessionConnectionState' }
const FG_WTP_STATIONS: Column = { oid: '1.3.6.1.4.1.12356.101.14.4.4.1.17', name: 'FORTINET-FORTIGATE-MIB::fgWcWtpSessionWtpStationCount' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'fortinet-fortiap',
    vendor: 'Fortinet',
    description: 'FortiAP access points polled directly (FORTINET-FORTIAP-MIB): clients per SSID and per radio',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.12356.120.10'] },
    include: ['if-mib'],
    reads: [
      // one row per radio x WLAN: an SSID on two radios is summed; a VAP with no SSID is left
      // out, as LibreNMS's Fortiap.php does
      { type: 'clients', kind: 'ssid', value: FAP_VAP_STA_COUNT, name: { column: FAP_VAP_SSID }, aggregate: 'sum', namePattern: '.' },
      { type: 'clients', kind: 'radio', value: FAP_VAP_STA_COUNT, name: { index: true, indexSlice: [0, 1], prefix: 'radio ' }, aggregate: 'sum' },
      { type: 'clients-total', sumOf: 'ssid' },
      // the AP's own count, where a FortiAP serves no VAP table
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.12356.120.3.43.0', name: 'FORTINET-FORTIAP-MIB::fapStationCount.0' } },
    ],
    verified: true,
    source:
      'recording fortiap_fap831f (FP831F v7.0: 48 clients on three SSIDs over two radios) and recording fortiap_fap231g (FP231G v7.4: 0 on four) (LibreNMS tests/snmpsim): fapVapStaInfoCount summed per fapVapSSID as LibreNMS Fortiap.php does; fapStationCount.0 from the MIB (served by fap231g, 0)',
  },

  {
    id: 'fortinet-fortigate',
    vendor: 'Fortinet',
    description: 'FortiGate / FortiWiFi firewalls as wireless controllers of FortiAPs (FORTINET-FORTIGATE-MIB fgWc*)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.12356.101.1', '1.3.6.1.4.1.12356.15'], sysDescrPatterns: ['FortiGate'] },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.12356.101.14.2.7.0', name: 'FORTINET-FORTIGATE-MIB::fgWcInfoStationCount.0' } },
      { type: 'clients', kind: 'ap', value: FG_WTP_STATIONS, name: { column: FG_WTP_NAME } },
      {
        type: 'aps',
        name: FG_WTP_NAME,
        up: { column: FG_WTP_STATE, upValues: [2] }, // onLine(2)
        clients: { column: FG_WTP_STATIONS },
      },
    ],
    verified: true,
    source:
      'recording fortigate_1500d (FortiOS 6.4) and recordings fortigate_500d (5.6), fortigate_60f (7.2), fortigate_60f3g4g, fortigate_cluster-60f, fortigate_vm01, fortigate_webfilter (LibreNMS tests/snmpsim): fgWcInfoStationCount.0 as LibreNMS Fortigate.php reads it (every one serves 0). The per-AP rows (fgWcWtpSessionWtpStationCount, fgWcWtpConfigWtpName, fgWcWtpSessionConnectionState) are from the MIB, as Checkmk fortigate_ap and Centreon read them; none of the recordings has a managed FortiAP',
  },

  {
    id: 'fortinet-fortiwlc',
    vendor: 'Fortinet',
    description: 'FortiWLC wireless LAN controllers, formerly Meru (MERU-GLOBAL-STATISTICS-MIB): stations on the controller',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.15983.1.1'] },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.15983.1.1.3.1.13.11.0', name: 'MERU-GLOBAL-STATISTICS-MIB::mwSystemGeneralTotalWirelessStations.0' } },
    ],
    verified: true,
    source: 'recording fortiwlc (MC1550, FortiWLC 8.2-7MR-1) (LibreNMS tests/snmpsim): mwSystemGeneralTotalWirelessStations.0 as LibreNMS Fortiwlc.php reads it',
  },
]
