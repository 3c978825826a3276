/** Cambium device profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'cambium-pmp',
    vendor: 'Cambium',
    description: 'Cambium PMP 450 / 450i / 450m / Canopy access points (WHISP-APS-MIB): registered subscriber modules',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.161.19.250'], sysDescrPatterns: ['^CANOPY'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.161.19.3.1.7.1.0', name: 'WHISP-APS-MIB::regCount.0' } }],
    verified: true,
    source:
      'recording pmp_450 (CANOPY 15.0) and recordings pmp (16.0), pmp_450i (21.1), pmp_450m (16.0) (LibreNMS tests/snmpsim): regCount.0 as LibreNMS Pmp.php reads it',
  },

  {
    id: 'cambium-epmp',
    vendor: 'Cambium',
    description: 'Cambium ePMP access points (CAMBIUM-PMP80211-MIB): connected stations',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.17713.21'], sysDescrPatterns: ['^Cambium ePMP'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.17713.21.1.2.10.0', name: 'CAMBIUM-PMP80211-MIB::cambiumAPNumberOfConnectedSTA.0' } }],
    verified: true,
    source:
      'recording epmp (ePMP 4.5.6, sysObjectID 17713.21) (LibreNMS tests/snmpsim): cambiumAPNumberOfConnectedSTA.0 as LibreNMS Epmp.php reads it',
  },

  {
    id: 'cambium-cnpilot',
    vendor: 'Cambium',
    description: 'Cambium cnPilot E-series Wi-Fi access points (CAMBIUM-MIB): connected clients',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.17713.22'], sysDescrPatterns: ['^Cambium cnPilot'] },
    include: ['if-mib'],
    reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.17713.22.1.1.1.14.0', name: 'CAMBIUM-MIB::cambiumAPTotalClients.0' } }],
    verified: false,
    source:
      'LibreNMS LibreNMS/OS/Cnpilote.php (cambiumAPTotalClients.0) and mibs/cambium/cnpilote/CAMBIUM-MIB; LibreNMS\'s cnpilote recording serves only sysDescr and sysObjectID, and has no expected data',
  },
]
