/** OpenWrt (and other Linux access points with LibreNMS's wireless extends) profiles, as data (see collector/profiles/types.ts). */
import type { Column, DeviceProfile } from '../types.ts'

/**
 * NET-SNMP-EXTEND-MIB nsExtendOutput1Line, indexed by the extend's name (an OCTET STRING
 * index). LibreNMS's OpenWrt and ASUSWRT-Merlin scripts (wlClients.sh) serve one extend
 * 'clients-<interface>' per wireless interface and 'clients-wlan' for all of them, each
 * printing a station count.
 */
const NS_EXTEND_OUTPUT_1_LINE: Column = { oid: '1.3.6.1.4.1.8072.1.3.2.3.1.1', name: 'NET-SNMP-EXTEND-MIB::nsExtendOutput1Line' }

export const PROFILES: DeviceProfile[] = [
  {
    id: 'openwrt-wlclients',
    vendor: 'OpenWrt',
    description:
      "OpenWrt and ASUSWRT-Merlin access points running LibreNMS's wlClients.sh extends (NET-SNMP-EXTEND-MIB): clients per wireless interface and in all. They report net-snmp's Linux sysObjectID and a bare Linux sysDescr, so they are known by the extends they serve",
    match: {
      tables: [
        // a GETNEXT here answers with nsExtendOutput1Line."clients-wlan" when the agent serves
        // it: the OID is that instance's without its last arc ('clients-wla', length 12)
        { oid: '1.3.6.1.4.1.8072.1.3.2.3.1.1.12.99.108.105.101.110.116.115.45.119.108.97', name: 'NET-SNMP-EXTEND-MIB::nsExtendOutput1Line."clients-wlan"' },
      ],
    },
    include: ['if-mib', 'host-resources'],
    reads: [
      // 'clients-wlan0' -> wlan0, 'clients-eth1' -> eth1; 'clients-wlan' is the total
      { type: 'clients', kind: 'interface', value: NS_EXTEND_OUTPUT_1_LINE, name: { index: true, format: 'text' }, namePattern: '^clients-(?!wlan$)(.+)$' },
      {
        type: 'clients-total',
        scalar: { oid: '1.3.6.1.4.1.8072.1.3.2.3.1.1.12.99.108.105.101.110.116.115.45.119.108.97.110', name: 'NET-SNMP-EXTEND-MIB::nsExtendOutput1Line."clients-wlan"' },
      },
      { type: 'clients-total', sumOf: 'interface' },
    ],
    verified: true,
    source:
      'recording openwrt (OpenWrt 21.02, Linksys WRT1200AC) and recording asuswrt-merlin (RT-AC68U, 384.17) (LibreNMS tests/snmpsim): the clients-wlan extend as LibreNMS Openwrt.php and AsuswrtMerlin.php read it. Their per-interface sensors carry the display names of the device\'s \'interfaces\' extend (wl-5G); CivicNet names them by interface (wlan0, eth1), so only the total is compared',
  },
]
