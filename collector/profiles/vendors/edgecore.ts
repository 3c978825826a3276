/** Edgecore (Accton) device profiles, as data (see collector/profiles/types.ts). */
import { IF_NAME } from '../generic.ts'
import type { DeviceProfile } from '../types.ts'

/**
 * Each Edgecore switch family has its own private MIB under its own sysObjectID arc, with the
 * same portOpticalMonitoringInfoTable at <arc>.1.2.11 (indexed by ifIndex; power as text,
 * '-4.99 dBm normal'). The sysObjectID arcs and MIB names are LibreNMS's LibreNMS/OS/Edgecos.php.
 */
const MODELS: Array<{ model: string; mib: string; sysObjectId: string; table: string; verifiedOn?: string }> = [
  { model: 'ECS4120', mib: 'ECS4120-MIB', sysObjectId: '1.3.6.1.4.1.259.10.1.45', table: '1.3.6.1.4.1.259.10.1.45.1.2.11', verifiedOn: 'edgecos_ecs4120-28fv2' },
  { model: 'ECS2100', mib: 'ECS2100-MIB', sysObjectId: '1.3.6.1.4.1.259.10.1.43', table: '1.3.6.1.4.1.259.10.1.43.1.2.11' },
  { model: 'ECS3510', mib: 'ECS3510-MIB', sysObjectId: '1.3.6.1.4.1.259.10.1.27', table: '1.3.6.1.4.1.259.10.1.27.1.2.11' },
  { model: 'ECS4100-52T', mib: 'ECS4100-52T-MIB', sysObjectId: '1.3.6.1.4.1.259.10.1.46', table: '1.3.6.1.4.1.259.10.1.46.1.2.11' },
  { model: 'ECS4110', mib: 'ECS4110-MIB', sysObjectId: '1.3.6.1.4.1.259.10.1.39', table: '1.3.6.1.4.1.259.10.1.39.1.2.11' },
  { model: 'ECS4210', mib: 'ECS4210-MIB', sysObjectId: '1.3.6.1.4.1.259.10.1.42', table: '1.3.6.1.4.1.259.10.1.42.101.1.2.11' },
  { model: 'ECS4510', mib: 'ECS4510-MIB', sysObjectId: '1.3.6.1.4.1.259.10.1.24', table: '1.3.6.1.4.1.259.10.1.24.1.2.11' },
  { model: 'ES3510MA', mib: 'ES3510MA-MIB', sysObjectId: '1.3.6.1.4.1.259.8.1.11', table: '1.3.6.1.4.1.259.8.1.11.1.2.11' },
  { model: 'ES3528M-V2', mib: 'ES3528MV2-MIB', sysObjectId: '1.3.6.1.4.1.259.10.1.22', table: '1.3.6.1.4.1.259.10.1.22.1.2.11' },
]

export const PROFILES: DeviceProfile[] = MODELS.map(
  (m): DeviceProfile => ({
    id: `edgecore-${m.model.toLowerCase()}`,
    vendor: 'Edgecore',
    description: `Edgecore ${m.model} switches: transceiver power from ${m.mib} portOpticalMonitoringInfoTable (text, dBm)`,
    match: { sysObjectIdPrefixes: [m.sysObjectId] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        port: { column: IF_NAME },
        rx: { oid: `${m.table}.1.6`, name: `${m.mib}::portOpticalMonitoringInfoRxPower` },
        tx: { oid: `${m.table}.1.5`, name: `${m.mib}::portOpticalMonitoringInfoTxPower` },
        unit: 'dBm-text',
      },
    ],
    verified: m.verifiedOn !== undefined,
    source: m.verifiedOn
      ? `recording ${m.verifiedOn} (LibreNMS tests/snmpsim): portOpticalMonitoringInfoRxPower/TxPower ('-6.30 dBm normal'), named by ifName, as LibreNMS LibreNMS/OS/Edgecos.php discoverTransceiverSensors reads them, and 64-bit counters`
      : `LibreNMS LibreNMS/OS/Edgecos.php (the ${m.mib} table arc; same table as the ECS4120, verified on recording edgecos_ecs4120-28fv2); not checked against a ${m.model}: no LibreNMS recording of this model carries transceiver power (tests/data has dBm sensors only for edgecos_ecs4120-28fv2)`,
  }),
)
