/**
 * Vendor profiles, as data, one file per vendor. `verified: true` means
 * test/collector/recordings.test.ts reads the numbers LibreNMS expects from a real recording of
 * that device family; `verified: false` profiles carry the source their OIDs came from and wait
 * for a recording or a device.
 */
import type { DeviceProfile } from '../types.ts'
import { PROFILES as CISCO } from './cisco.ts'
import { PROFILES as ARUBA } from './aruba.ts'
import { PROFILES as RUCKUS } from './ruckus.ts'
import { PROFILES as UBIQUITI } from './ubiquiti.ts'
import { PROFILES as MIKROTIK } from './mikrotik.ts'
import { PROFILES as CAMBIUM } from './cambium.ts'
import { PROFILES as EXTREME } from './extreme.ts'
import { PROFILES as FORTINET } from './fortinet.ts'
import { PROFILES as HUAWEI } from './huawei.ts'
import { PROFILES as JUNIPER } from './juniper.ts'
import { PROFILES as ARISTA } from './arista.ts'
import { PROFILES as ARUBACX } from './arubacx.ts'
import { PROFILES as DELL } from './dell.ts'
import { PROFILES as HPE } from './hpe.ts'
import { PROFILES as BROCADE } from './brocade.ts'
import { PROFILES as NOKIA } from './nokia.ts'
import { PROFILES as ADVA } from './adva.ts'
import { PROFILES as MRV } from './mrv.ts'
import { PROFILES as EDGECORE } from './edgecore.ts'
import { PROFILES as PACKETLIGHT } from './packetlight.ts'
import { PROFILES as VSOL } from './vsol.ts'
import { PROFILES as UBIQUITI_FIBER } from './ubiquiti-fiber.ts'
import { PROFILES as RAISECOM } from './raisecom.ts'
import { PROFILES as INFINERA } from './infinera.ts'
import { PROFILES as ALCATEL } from './alcatel.ts'
import { PROFILES as XIRRUS } from './xirrus.ts'
import { PROFILES as AEROHIVE } from './aerohive.ts'
import { PROFILES as ZYXEL } from './zyxel.ts'
import { PROFILES as GRANDSTREAM } from './grandstream.ts'
import { PROFILES as TACHYON } from './tachyon.ts'
import { PROFILES as ALBENTIA } from './albentia.ts'
import { PROFILES as LIGOWAVE } from './ligowave.ts'
import { PROFILES as WIS } from './wis.ts'
import { PROFILES as TELDAT } from './teldat.ts'
import { PROFILES as OPENWRT } from './openwrt.ts'

export const VENDOR_PROFILES: DeviceProfile[] = [
  ...CISCO,
  ...ARUBA,
  ...RUCKUS,
  ...UBIQUITI,
  ...MIKROTIK,
  ...CAMBIUM,
  ...EXTREME,
  ...FORTINET,
  ...HUAWEI,
  ...JUNIPER,
  ...ARISTA,
  ...ARUBACX,
  ...DELL,
  ...HPE,
  ...BROCADE,
  ...NOKIA,
  ...ADVA,
  ...MRV,
  ...EDGECORE,
  ...PACKETLIGHT,
  ...VSOL,
  ...UBIQUITI_FIBER,
  ...RAISECOM,
  ...INFINERA,
  ...ALCATEL,
  ...XIRRUS,
  ...AEROHIVE,
  ...ZYXEL,
  ...GRANDSTREAM,
  ...TACHYON,
  ...ALBENTIA,
  ...LIGOWAVE,
  ...WIS,
  ...TELDAT,
  ...OPENWRT,
]
