/**
 * Alcatel-Lucent Enterprise device profiles, as data (see collector/profiles/types.ts).
 *
 * OmniAccess Stellar APs (AWOS) serve their own objects under their own product OID: model
 * OAW-APxxxx's MIB (LibreNMS mibs/nokia/stellar/OAW-APxxxx) roots apInfo at deviceNGOAWApxxxx,
 * 1.3.6.1.4.1.6486.802.1.1.2.1.2.<arc> (ALCATEL-NGOAW-DEVICES-MIB familyNGOAWWirelessAP), which
 * is also the AP's sysObjectID. Every one of the 17 model MIBs has the same layout below it
 * (apWlanInfoTable at apInfo.3.1, apWlanEssid column 2; apClientInfoTable at apInfo.4.1,
 * apClientWlanService column 4), so each model is one profile with the same reads under its
 * arc. Clients are counted as LibreNMS Stellar.php counts them: one apClientInfoTable row per
 * client, per SSID by apClientWlanService, every SSID of apWlanEssid listed (one row per radio,
 * one name) except the monitor VAP athmon2.
 */
import type { DeviceProfile } from '../types.ts'

/** model -> arc under familyNGOAWWirelessAP (ALCATEL-NGOAW-DEVICES-MIB) */
const STELLAR_MODELS: Array<[string, number]> = [
  ['OAW-AP1101', 1],
  ['OAW-AP1221', 2],
  ['OAW-AP1222', 3],
  ['OAW-AP1231', 4],
  ['OAW-AP1232', 5],
  ['OAW-AP1251', 6],
  ['OAW-AP1251D', 7],
  ['OAW-AP1201H', 8],
  ['OAW-AP1201', 9],
  ['OAW-AP1201L', 10],
  ['OAW-AP1201HL', 11],
  ['OAW-AP1321', 12],
  ['OAW-AP1322', 13],
  ['OAW-AP1361', 14],
  ['OAW-AP1361D', 15],
  ['OAW-AP1362', 16],
  ['OAW-AP1201BG', 17],
]

/** the model checked on a recording */
const RECORDED = 'OAW-AP1321'

function stellar(model: string, arc: number): DeviceProfile {
  const base = `1.3.6.1.4.1.6486.802.1.1.2.1.2.${arc}` // deviceNGOAW<model>
  const essid = { oid: `${base}.1.3.1.1.2`, name: `${model}::apWlanEssid` }
  const clientWlan = { oid: `${base}.1.4.1.1.4`, name: `${model}::apClientWlanService` }
  return {
    id: `alcatel-stellar-${model.slice(4).toLowerCase()}`,
    vendor: 'Alcatel-Lucent Enterprise',
    description: `OmniAccess Stellar ${model} AP (AWOS, ${model} MIB): clients per SSID from the client table`,
    match: { sysObjectIdPrefixes: [base] },
    include: ['if-mib'],
    reads: [
      { type: 'clients-count', kind: 'ssid', by: clientWlan, listed: essid, skipPattern: '^athmon2$' },
      { type: 'clients-total', countOf: clientWlan },
    ],
    verified: model === RECORDED,
    source:
      model === RECORDED
        ? 'recording stellar_oaw-ap1321 (LibreNMS tests/snmpsim, AWOS 4.0.3): per-SSID clients counted from apClientWlanService, SSIDs from apWlanEssid less athmon2, total = client rows, as LibreNMS Stellar.php counts them'
        : `${model} MIB as LibreNMS ships it (mibs/nokia/stellar/${model}): the same apWlanInfo/apClientInfo layout as OAW-AP1321 (recording stellar_oaw-ap1321) under its own arc ${arc}; not checked against a ${model}: LibreNMS's test corpus has no recording of this model`,
  }
}

export const PROFILES: DeviceProfile[] = STELLAR_MODELS.map(([model, arc]) => stellar(model, arc))
