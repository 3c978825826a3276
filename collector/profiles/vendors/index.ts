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
import { PROFILES as NOKIA } from './nokia.ts'

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
  ...NOKIA,
]
