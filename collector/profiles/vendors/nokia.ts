/** Nokia device profiles, as data (see collector/profiles/types.ts). */
import { IF_NAME } from '../generic.ts'
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'nokia-1830-psd',
    vendor: 'Nokia',
    description: 'Nokia 1830 PSD (Photonic Service Demarcation): SFP power from TROPIC-PSD-MIB (0.1 dBm)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.7483.1.3.1.12'], sysDescrPatterns: ['^Nokia 1830 PSD'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // tnPsdDdmDataTable index = ifIndex . DDM type: transmitted power(4), received power(5)
        port: { column: IF_NAME },
        rx: { oid: '1.3.6.1.4.1.7483.2.2.7.3.1.4.1.2', name: 'TROPIC-PSD-MIB::tnPsdDdmDataValue' },
        tx: { oid: '1.3.6.1.4.1.7483.2.2.7.3.1.4.1.2', name: 'TROPIC-PSD-MIB::tnPsdDdmDataValue' },
        lastArc: { rx: '5', tx: '4' },
        unit: 'dBm',
        divisor: 10,
        // admin up(1) only, as LibreNMS (includes/discovery/sensors/dbm/nokia-1830.inc.php)
        onlyWhen: { column: { oid: '1.3.6.1.2.1.2.2.1.7', name: 'IF-MIB::ifAdminStatus' }, equals: [1] },
      },
    ],
    verified: true,
    source:
      'recording nokia-1830_psd (1830 PSD 10G R23.6, LibreNMS tests/snmpsim): tnPsdDdmDataValue rows 4 (Tx) and 5 (Rx) / 10 of admin-up ports, named by ifName, as LibreNMS nokia-1830.inc.php reads them, and 64-bit counters',
  },

  {
    id: 'nokia-timos',
    vendor: 'Nokia',
    description: 'Nokia (Alcatel-Lucent) SR OS / TiMOS routers (7705 SAR, 7750 SR, 7250 IXR): SFP power from TIMETRA-PORT-MIB (0.1 microwatt)',
    match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.6527'], sysDescrPatterns: ['^TiMOS-'] },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // tmnxDigitalDiagMonitorTable index = tmnxChassisIndex . tmnxPortPortID, and the port ID is the ifIndex
        port: { column: IF_NAME, indexSlice: [1] },
        rx: { oid: '1.3.6.1.4.1.6527.3.1.2.2.4.31.1.21', name: 'TIMETRA-PORT-MIB::tmnxDDMRxOpticalPower' },
        tx: { oid: '1.3.6.1.4.1.6527.3.1.2.2.4.31.1.16', name: 'TIMETRA-PORT-MIB::tmnxDDMTxOutputPower' },
        unit: 'uW',
        divisor: 10,
        // outOfService(3): the port is shut and its laser off (LibreNMS skips these too); tmnxPortTable
        // has the same index
        absentWhen: { column: { oid: '1.3.6.1.4.1.6527.3.1.2.2.4.2.1.37', name: 'TIMETRA-PORT-MIB::tmnxPortAdminStatus' }, equals: 3 },
      },
      {
        // the IP interfaces of every routing instance (VPRNs too; the IF-MIB lists the base
        // router's only): vRtrIfTable index = vRtrID . vRtrIfIndex, numbered as the IF-MIB is.
        // LibreNMS's ports poller (includes/polling/ports/os/timos.inc.php) adds them the same way
        type: 'interfaces',
        name: [{ oid: '1.3.6.1.4.1.6527.3.1.2.3.4.1.4', name: 'TIMETRA-VRTR-MIB::vRtrIfName' }],
        operStatus: { oid: '1.3.6.1.4.1.6527.3.1.2.3.4.1.9', name: 'TIMETRA-VRTR-MIB::vRtrIfOperState' },
        operStatusMap: { '1': 'unknown', '2': 'up', '3': 'down', '4': 'testing' }, // TmnxOperState: inService(2), outOfService(3), transition(4)
        inOctets: [{ oid: '1.3.6.1.4.1.6527.3.1.2.3.54.1.43', name: 'TIMETRA-VRTR-MIB::vRtrIfRxBytes' }],
        outOctets: [{ oid: '1.3.6.1.4.1.6527.3.1.2.3.74.1.4', name: 'TIMETRA-VRTR-MIB::vRtrIfTxBytes' }],
        ifIndexSlice: [1],
        merge: true,
      },
    ],
    verified: true,
    source:
      'recordings timos_7705 (7705 SAR), timos_ixr (7250 IXR) (LibreNMS tests/snmpsim): tmnxDDMRxOpticalPower/TxOutputPower in 0.1 uW, named by ifName of the port ID, as LibreNMS timos.yaml reads them, and 64-bit counters. The interfaces of every routing instance (vRtrIfRxBytes/TxBytes, which LibreNMS adds to its ports) gave the counters LibreNMS has on both recordings; the imported fixtures hold IF-MIB ports only. Multi-lane optics (tmnxDDMLaneTable) and coherent optics (tmnxCohOptPortTable) of the 7750 are not read',
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
    source: 'LibreNMS nokia-isam dbm discovery and Centreon (sfpDiagRxPower .7, sfpDiagTxPower .6 of sfpDiagTable). Not verified: the LibreNMS nokia-isam recording exists, but LibreNMS names its ports from slot tables written into its own code, so its expected labels cannot be matched to ports read from the device',
  },
]
