/** ADVA device profiles, as data (see collector/profiles/types.ts). */
import { IF_DESCR, IF_NAME } from '../generic.ts'
import type { DeviceProfile, OpticsTableRead } from '../types.ts'

/**
 * FSP 150CC port power: CM-PERFORMANCE-MIB cmEthernet{Net,Acc,Traffic}PortStatsOPR/OPT
 * (integer dBm), indexed by neIndex . shelfIndex . slotIndex . port . statsIndex, where
 * statsIndex 3 is the rollover bin (1 is 15 min, 2 is one day); the port's facility row in
 * CM-FACILITY-MIB (same first four arcs) has its media type and ifIndex.
 */
function fsp150Port(stats: string, facility: string, mib: { opr: string; opt: string; media: string; ifIndex: string }): OpticsTableRead {
  return {
    type: 'optics',
    rx: { oid: `${stats}.34`, name: `CM-PERFORMANCE-MIB::${mib.opr}` },
    tx: { oid: `${stats}.33`, name: `CM-PERFORMANCE-MIB::${mib.opt}` },
    lastArc: { rx: '3', tx: '3' },
    unit: 'dBm',
    port: { column: IF_NAME, viaValueOf: { oid: `${facility}.2`, name: `CM-FACILITY-MIB::${mib.ifIndex}` } },
    // fiber(2) only: copper and copper-SFP ports serve numbers that are no optical power
    onlyWhen: { column: { oid: `${facility}.8`, name: `CM-FACILITY-MIB::${mib.media}` }, equals: [2] },
    // an empty cage reads 0 and 0 (LibreNMS adva_fsp150.inc.php skips a port whose two values are 0)
    absentWhenBoth: 0,
  }
}

export const PROFILES: DeviceProfile[] = [
  {
    id: 'adva-aos',
    vendor: 'ADVA',
    description: 'ADVA (Adtran) FSP 3000 OpenFabric / AOS transponders and terminals: laser and OSC power (AOS-CORE-FACILITY-MIB, AOS-DOMAIN-OTN-PM-MIB, 0.1 dBm)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.2544.1.20.2'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // indexed by ifIndex; ifDescr names the facility ('node 1 interface 1/1/c1 optm-phy')
        port: { column: IF_DESCR },
        rx: { oid: '1.3.6.1.4.1.2544.1.20.1.3.2.1.1.1', name: 'AOS-CORE-FACILITY-MIB::aosCoreFacCurrOpticalPowerRx' },
        tx: { oid: '1.3.6.1.4.1.2544.1.20.1.3.2.1.1.2', name: 'AOS-CORE-FACILITY-MIB::aosCoreFacCurrOpticalPowerTx' },
        unit: 'dBm',
        divisor: 10,
        // a facility that is down (no client plugged) reads 0 and 0
        absentWhenBoth: 0,
      },
      {
        type: 'optics',
        // the OSC receive power of an OTS interface (its own ifIndex)
        port: { column: IF_DESCR },
        rx: { oid: '1.3.6.1.4.1.2544.1.20.1.5.2.1.1.1', name: 'AOS-DOMAIN-OTN-PM-MIB::aosDomainOtnPmOscOptPowerRx' },
        unit: 'dBm',
        divisor: 10,
        merge: true,
      },
    ],
    verified: true,
    source:
      "recordings adva-aos_sh1r, adva-aos_tsh1r2 (LibreNMS tests/snmpsim): aosCoreFacCurrOpticalPowerRx/Tx and aosDomainOtnPmOscOptPowerRx / 10, named by ifDescr, as LibreNMS adva-aos.yaml reads them, and 64-bit counters. LibreNMS also lists span loss (dB, not power) and down facilities' 0 and 0 as 0 dBm",
  },

  {
    id: 'adva-fsp150',
    vendor: 'ADVA',
    description: 'ADVA FSP 150CC / 150-GE100Pro Ethernet access devices: port optical power from CM-PERFORMANCE-MIB (dBm)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.2544.1.12.1.1'], sysDescrPatterns: ['^FSP ?150'] },
    include: ['if-mib'],
    reads: [
      // XG116Pro, XG120Pro and aggregation models: traffic ports
      fsp150Port('1.3.6.1.4.1.2544.1.12.5.1.21.1', '1.3.6.1.4.1.2544.1.12.4.1.27.1', {
        opr: 'cmEthernetTrafficPortStatsOPR',
        opt: 'cmEthernetTrafficPortStatsOPT',
        media: 'cmEthernetTrafficPortMediaType',
        ifIndex: 'cmEthernetTrafficPortIfIndex',
      }),
      // other models: network and access ports
      fsp150Port('1.3.6.1.4.1.2544.1.12.5.1.5.1', '1.3.6.1.4.1.2544.1.12.4.1.7.1', {
        opr: 'cmEthernetNetPortStatsOPR',
        opt: 'cmEthernetNetPortStatsOPT',
        media: 'cmEthernetNetPortMediaType',
        ifIndex: 'cmEthernetNetPortIfIndex',
      }),
      fsp150Port('1.3.6.1.4.1.2544.1.12.5.1.1.1', '1.3.6.1.4.1.2544.1.12.4.1.1.1', {
        opr: 'cmEthernetAccPortStatsOPR',
        opt: 'cmEthernetAccPortStatsOPT',
        media: 'cmEthernetAccPortMediaType',
        ifIndex: 'cmEthernetAccPortIfIndex',
      }),
    ],
    verified: true,
    source:
      'recordings adva_fsp150_xg116pro, adva_fsp150_xg116proh (traffic ports), adva_fsp150_xg210 (network and access ports) (LibreNMS tests/snmpsim): OPR/OPT of the rollover bin, fiber ports only, named by ifName, as LibreNMS includes/discovery/sensors/dbm/adva_fsp150.inc.php reads them, and 64-bit counters',
  },

  {
    id: 'adva-optiswitch',
    vendor: 'ADVA',
    description: 'ADVA (MRV) OptiSwitch / FSP 150-XG300 series: SFP power from OA-SFP-MIB (0.01 dBm)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.629.22'], sysDescrPatterns: ['OptiSwitch'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // oaSfpDiagnosticTable index = unit . port, and the port number is the ifIndex
        port: { column: IF_NAME, indexSlice: [1] },
        rx: { oid: '1.3.6.1.4.1.6926.1.18.1.1.3.1.7', name: 'OA-SFP-MIB::oaSfpDiagnosticRxPower' },
        tx: { oid: '1.3.6.1.4.1.6926.1.18.1.1.3.1.6', name: 'OA-SFP-MIB::oaSfpDiagnosticTxPower' },
        unit: 'dBm',
        divisor: 100,
        // installed(3) only: an empty cage reads 0
        onlyWhen: { column: { oid: '1.3.6.1.4.1.6926.1.18.1.1.2.1.40', name: 'OA-SFP-MIB::oaSfpInfoInstalledStatus' }, equals: [3] },
      },
    ],
    verified: true,
    source:
      'recording adva_xg300_xg304 (FSP150-XG304, LibreNMS tests/snmpsim): oaSfpDiagnosticRx/TxPower / 100 of installed SFPs, named by the port number (its ifName), as LibreNMS adva_xg300.yaml reads them, and 64-bit counters',
  },
]
