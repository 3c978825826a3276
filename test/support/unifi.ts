/**
 * The small simulated city of test/simulators/fixture.ts with a UniFi Network controller
 * that manages its three standalone UniFi APs (ap-s1..ap-s3), read over the API `kind`
 * with `auth`; and what a test needs to hand the collector the controller's secrets and
 * certificate in memory, as the demo does.
 */
import type { Device, DeviceApi, Inventory } from '../../core/inventory.ts'
import type { UnifiSecret } from '../../collector/unifi/credentials.ts'
import type { UnifiTrust } from '../../collector/unifi/tls.ts'
import type { SimulatedCity } from '../../simulators/city.ts'
import { smallCity } from '../simulators/fixture.ts'

export const UNIFI_ID = 'unifi-1'
export const UNIFI_APS = ['ap-s1', 'ap-s2', 'ap-s3']

export function unifiCity(api: Partial<Pick<DeviceApi, 'kind' | 'auth' | 'site' | 'fingerprint256' | 'caFile'>> = {}): Inventory {
  const inv = smallCity()
  const controller: Device = {
    id: UNIFI_ID,
    name: 'UNIFI-1',
    kind: 'controller',
    site: 'hub',
    mgmt: { host: '127.0.0.1', port: 8443 },
    credential: 'sim-unifi',
    uplink: { device: 'core-1', port: 'Gi0/0/3' },
    model: 'UCK-G2-PLUS',
    api: { kind: api.kind ?? 'unifi-integration', baseUrl: 'https://127.0.0.1:8443', site: api.site ?? 'default', auth: api.auth ?? 'api-key', credential: 'sim-unifi', ...(api.fingerprint256 ? { fingerprint256: api.fingerprint256 } : {}), ...(api.caFile ? { caFile: api.caFile } : {}) },
  }
  return {
    ...inv,
    devices: [...inv.devices.map((d) => (UNIFI_APS.includes(d.id) ? { ...d, managedBy: UNIFI_ID } : d)), controller],
  }
}

/** the secrets the city's simulated controller accepts, as a collector credential resolver */
export function simulatedSecrets(city: SimulatedCity): (id: string, auth: 'api-key' | 'login') => UnifiSecret {
  return (id, auth) => {
    const c = city.unifiControllers().find((x) => x.device.api?.credential === id)
    if (!c) throw new Error(`no simulated controller uses credential '${id}'`)
    const s = c.credentials()
    return auth === 'api-key' ? { kind: 'api-key', apiKey: s.apiKey } : { kind: 'login', username: s.username, password: s.password }
  }
}

/** trust the simulated controller's own self-signed certificate as the CA (full verification, host name included) */
export function simulatedTrust(city: SimulatedCity): (d: Device) => UnifiTrust {
  return (d) => {
    const c = city.controllers().find((x) => x.device === d.id)
    return c ? { ca: c.cert, caSource: 'the simulated controller certificate' } : {}
  }
}

/** every notation a MAC might be logged in: aabbccddeeff, aa:bb:.., aa-bb-.., aabb.ccdd.eeff */
export function macForms(mac: string): string[] {
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '')
  return [hex, hex.match(/../g)!.join(':'), hex.match(/../g)!.join('-'), hex.match(/..../g)!.join('.')]
}
