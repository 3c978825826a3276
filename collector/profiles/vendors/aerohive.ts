/** Aerohive (Extreme Networks) HiveOS device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'aerohive-hiveos-ap',
    vendor: 'Aerohive (Extreme Networks)',
    description: 'Aerohive / Extreme cloud-managed APs on HiveOS or IQ Engine (AH-SYSTEM-MIB, AH-INTERFACE-MIB)',
    // HiveOS APs and SR switches share sysObjectID 1.3.6.1.4.1.26928.1: only sysDescr tells the
    // AP ('AP230, HiveOS 8.1r2a ...'), LibreNMS's hiveos-wireless detection regex
    match: { sysDescrPatterns: ['^(Hive)?AP[\\w-]+(?:_n)?, (HiveOS|IQ Engine)'] },
    include: ['if-mib'],
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.26928.1.2.9.0', name: 'AH-SYSTEM-MIB::ahClientCount.0' } },
      // ahAssociationTable (ahInterface 2) is indexed by ifIndex . ahClientMac: one row per client
      { type: 'clients-count', kind: 'ssid', by: { oid: '1.3.6.1.4.1.26928.1.1.1.2.1.2.1.10', name: 'AH-INTERFACE-MIB::ahClientSSID' } },
    ],
    verified: true,
    source:
      'recordings hiveos-wireless (AP230/AP250, HiveOS 8.1), hiveos-wireless_650ax (AP650X, 10.0), hiveos-wireless_ap130 (AP130, 8.1) (LibreNMS tests/snmpsim): total ahClientCount, as LibreNMS HiveosWireless.php reads it. The per-SSID count from ahAssociationTable is not read by LibreNMS and not in the recordings (0 clients); its column from AH-INTERFACE-MIB as LibreNMS ships it',
  },
]
