/** Grandstream device profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

/** gwnClientTable (GRANDSTREAM-GWN-PRODUCTS-AP-MIB): one row per associated client */
const GWN_CLIENT_ESSID: Column = { oid: '1.3.6.1.4.1.42397.1.1.3.3.1.4', name: 'GRANDSTREAM-GWN-PRODUCTS-AP-MIB::gwnClientESSID' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'grandstream-gwn-ap',
    vendor: 'Grandstream',
    description: 'Grandstream GWN access points (GRANDSTREAM-GWN-PRODUCTS-AP-MIB): clients per SSID from the client table',
    // the AP answers with net-snmp's generic Linux sysObjectID (1.3.6.1.4.1.8072.3.2.10), as do
    // Grandstream's GXW/HT voice gateways, which also serve objects under 42397.1.1: sysDescr
    // ('Linux Grandstream ...') is what tells the AP (LibreNMS asks gwnDeviceModel for 'GWN76')
    match: { sysDescrPatterns: ['^Linux Grandstream '] },
    include: ['if-mib'],
    reads: [
      // SSIDs from gwnWlanTable (one row per radio, one name); the mesh backhaul SSID is no public service
      {
        type: 'clients-count',
        kind: 'ssid',
        by: GWN_CLIENT_ESSID,
        listed: { oid: '1.3.6.1.4.1.42397.1.1.3.2.1.2', name: 'GRANDSTREAM-GWN-PRODUCTS-AP-MIB::gwnWlanESSID' },
        skipPattern: '^GWN-MESH-',
      },
      // clients of the SSIDs above, as LibreNMS GrandstreamAp.php totals them at discovery
      { type: 'clients-total', sumOf: 'ssid' },
      { type: 'clients-total', countOf: GWN_CLIENT_ESSID },
    ],
    verified: true,
    source:
      'recording grandstream-ap_gwn7660 (LibreNMS tests/snmpsim, GWN7660): SSIDs from gwnWlanESSID less GWN-MESH-*, clients counted from gwnClientESSID (no client row in the recording: all 0), total their sum, as LibreNMS GrandstreamAp.php counts them; 64-bit counters',
  },
]
