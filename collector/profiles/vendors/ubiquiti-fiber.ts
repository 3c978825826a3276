/** Ubiquiti UFiber / UISP Fiber OLT profiles, as data (see collector/profiles/types.ts). */
import type { DeviceProfile } from '../types.ts'

export const PROFILES: DeviceProfile[] = [
  {
    id: 'ubiquiti-ufiber-olt',
    vendor: 'Ubiquiti',
    description: 'Ubiquiti UFiber and UISP Fiber GPON OLTs: each ONU\'s optics and the OLT\'s SFP/PON port counters (UBNT-UFIBER-MIB)',
    match: {
      // UFiber OLT: 41112.1.5; UISP Fiber OLT XGS reports Broadcom's 4413, too broad to match on
      sysObjectIdPrefixes: ['1.3.6.1.4.1.41112.1.5'],
      sysDescrPatterns: ['^UISP Fiber OLT'],
    },
    include: ['if-mib'],
    reads: [
      {
        type: 'optics',
        // ubntOnusTable is indexed by the ONU's serial; the ONU's own receive and transmit power
        port: { column: { oid: '1.3.6.1.4.1.41112.1.5.6.2.1.2', name: 'UBNT-UFIBER-MIB::ubntOnuName' } },
        rx: { oid: '1.3.6.1.4.1.41112.1.5.6.2.1.9', name: 'UBNT-UFIBER-MIB::ubntOnuRxPower' },
        tx: { oid: '1.3.6.1.4.1.41112.1.5.6.2.1.8', name: 'UBNT-UFIBER-MIB::ubntOnuTxPower' },
        unit: 'dBm',
        divisor: 100,
        // an offline ONU (ubntOnuOnline false(2)) reads 0 and 0: no reading
        onlyWhen: { column: { oid: '1.3.6.1.4.1.41112.1.5.6.2.1.3', name: 'UBNT-UFIBER-MIB::ubntOnuOnline' }, equals: [1] },
      },
      {
        // the OLT's own ports (uplinks, PON ports) with 64-bit counters, numbered 1000 + row as
        // LibreNMS's ports poller does (includes/polling/ports/os/edgeosolt.inc.php)
        type: 'interfaces',
        name: [{ oid: '1.3.6.1.4.1.41112.1.5.7.2.1.2', name: 'UBNT-UFIBER-MIB::ubntSfpName' }],
        operStatus: { oid: '1.3.6.1.4.1.41112.1.5.7.2.1.3', name: 'UBNT-UFIBER-MIB::ubntSfpUp' },
        operStatusMap: { '1': 'up', '2': 'down' }, // TruthValue
        inOctets: [{ oid: '1.3.6.1.4.1.41112.1.5.7.2.1.7', name: 'UBNT-UFIBER-MIB::ubntSfpRxBytes' }],
        outOctets: [{ oid: '1.3.6.1.4.1.41112.1.5.7.2.1.6', name: 'UBNT-UFIBER-MIB::ubntSfpTxBytes' }],
        ifIndexOffset: 1000,
        merge: true,
      },
    ],
    verified: true,
    source:
      'recordings edgeosolt (UFiber OLT, EdgeOS 4.4), edgeosolt_uisp-fiber (UISP Fiber OLT XGS) (LibreNMS tests/snmpsim): ubntOnuRxPower/TxPower / 100 of online ONUs, named by ubntOnuName, as LibreNMS edgeosolt.yaml reads them (LibreNMS also lists offline ONUs at 0 dBm). The ubntSfpsTable port counters gave LibreNMS\'s on both recordings (ifIndex 1000 + row); the imported fixtures hold IF-MIB ports only, and these OLTs serve no IF-MIB counters',
  },
]
