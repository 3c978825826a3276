/**
 * Generic read sets (standard MIBs every profile may include) and the generic profile used
 * when nothing vendor-specific matches.
 */
import type { Column, DeviceProfile, EntitySensorOpticsRead, GenericReadSet, HostResourcesRead, InterfacesRead, ProfileRead } from './types.ts'

/** Standard columns that vendor profiles name ports and sensors by. */
export const IF_NAME: Column = { oid: '1.3.6.1.2.1.31.1.1.1.1', name: 'IF-MIB::ifName' }
export const IF_DESCR: Column = { oid: '1.3.6.1.2.1.2.2.1.2', name: 'IF-MIB::ifDescr' }
export const ENT_PHYSICAL_NAME: Column = { oid: '1.3.6.1.2.1.47.1.1.1.1.7', name: 'ENTITY-MIB::entPhysicalName' }
const ENT_PHYSICAL_DESCR: Column = { oid: '1.3.6.1.2.1.47.1.1.1.1.2', name: 'ENTITY-MIB::entPhysicalDescr' }

/** IF-MIB / RFC 2863: names, status and octet counters, 64-bit first. */
export const IF_MIB: InterfacesRead = {
  type: 'interfaces',
  name: [IF_NAME, IF_DESCR],
  operStatus: { oid: '1.3.6.1.2.1.2.2.1.8', name: 'IF-MIB::ifOperStatus' },
  inOctets: [
    { oid: '1.3.6.1.2.1.31.1.1.1.6', name: 'IF-MIB::ifHCInOctets' },
    { oid: '1.3.6.1.2.1.2.2.1.10', name: 'IF-MIB::ifInOctets' },
  ],
  outOctets: [
    { oid: '1.3.6.1.2.1.31.1.1.1.10', name: 'IF-MIB::ifHCOutOctets' },
    { oid: '1.3.6.1.2.1.2.2.1.16', name: 'IF-MIB::ifOutOctets' },
  ],
  // RFC 2863 section 3.1.6: an interface faster than 20 Mbit/s must have the 64-bit octet
  // counters, so one served with ifInOctets/ifOutOctets only runs at 20 Mbit/s or less
  counter32MaxBitsPerSec: 20e6,
}

/** HOST-RESOURCES-MIB / RFC 2790. */
export const HOST_RESOURCES: HostResourcesRead = {
  type: 'host-resources',
  processorLoad: { oid: '1.3.6.1.2.1.25.3.3.1.2', name: 'HOST-RESOURCES-MIB::hrProcessorLoad' },
  storageType: { oid: '1.3.6.1.2.1.25.2.3.1.2', name: 'HOST-RESOURCES-MIB::hrStorageType' },
  storageUnits: { oid: '1.3.6.1.2.1.25.2.3.1.4', name: 'HOST-RESOURCES-MIB::hrStorageAllocationUnits' },
  storageSize: { oid: '1.3.6.1.2.1.25.2.3.1.5', name: 'HOST-RESOURCES-MIB::hrStorageSize' },
  storageUsed: { oid: '1.3.6.1.2.1.25.2.3.1.6', name: 'HOST-RESOURCES-MIB::hrStorageUsed' },
  ramTypeOid: '1.3.6.1.2.1.25.2.1.2', // HOST-RESOURCES-TYPES::hrStorageRam
}

const ENT_PHYSICAL_CONTAINED_IN = { oid: '1.3.6.1.2.1.47.1.1.1.1.4', name: 'ENTITY-MIB::entPhysicalContainedIn' }
/**
 * Words around a port name in transceiver sensor names: 'Gi1/0/52 Receive Power Sensor',
 * 'DOM RX Power Sensor for Ethernet1', 'Ethernet1/1 Lane 1 Transceiver Receive Power Sensor',
 * 'TenGigE0/0/0/0-Tx Lane Power', 'power Rx 0/0/0/3', 'subslot 0/0 transceiver 0 Tx Power Sensor'.
 * 'Output' is no direction: a power supply's output watts are not a transmitter.
 */
const OPTICS_RX = '\\b(receive|rx)\\b'
const OPTICS_TX = '\\b(transmit|tx)\\b'
const OPTICS_NAME = '\\bpower\\b'
const OPTICS_LANE = '\\blane\\s*(\\d+)\\b'
// 'transceiver' followed by a number names the module ('transceiver 0'), so it stays
const OPTICS_STRIP = '\\s*\\b(dom|transmit|receive|rx|tx|optical|laser|power|sensor|lane|for|transceiver(?!\\s*\\d))\\b\\s*'

/**
 * ENTITY-SENSOR-MIB / RFC 3433 transceiver power sensors, any vendor: Arista serves watts
 * (milli, precision 4) with empty entPhysicalNames, Cisco IOS-XE routers other(1) sensors
 * named '... Rx Power Sensor'.
 */
export const ENTITY_SENSOR_OPTICS: EntitySensorOpticsRead = {
  type: 'optics-entity-sensor',
  sensorType: { oid: '1.3.6.1.2.1.99.1.1.1.1', name: 'ENTITY-SENSOR-MIB::entPhySensorType' },
  scale: { oid: '1.3.6.1.2.1.99.1.1.1.2', name: 'ENTITY-SENSOR-MIB::entPhySensorScale' },
  precision: { oid: '1.3.6.1.2.1.99.1.1.1.3', name: 'ENTITY-SENSOR-MIB::entPhySensorPrecision' },
  value: { oid: '1.3.6.1.2.1.99.1.1.1.4', name: 'ENTITY-SENSOR-MIB::entPhySensorValue' },
  status: { oid: '1.3.6.1.2.1.99.1.1.1.5', name: 'ENTITY-SENSOR-MIB::entPhySensorOperStatus' },
  entityName: ENT_PHYSICAL_NAME,
  entityDescr: ENT_PHYSICAL_DESCR,
  containedIn: ENT_PHYSICAL_CONTAINED_IN,
  // RFC 3433 stops at truthvalue(12); CISCO-ENTITY-SENSOR-MIB's dBm(14) shows up here too
  dbmTypes: [14],
  wattTypes: [6],
  // other(1) named as a power sensor is dBm (Cisco ASR920/IR1101/ISR; LibreNMS's entity-sensor discovery)
  dbmWhenNamed: { types: [1], pattern: '\\b(rx|tx) power sensor\\b' },
  namePattern: OPTICS_NAME,
  // SensorValue underflow / overflow (RFC 3433)
  nullValues: [-1000000000, 1000000000],
  rxPattern: OPTICS_RX,
  txPattern: OPTICS_TX,
  portStripPattern: OPTICS_STRIP,
  lanePattern: OPTICS_LANE,
  capitalizeWords: true,
}

/** CISCO-ENTITY-SENSOR-MIB: the same idea under Cisco's enterprise arc (SensorDataType dBm(14), watts(6)). */
export const CISCO_ENTITY_SENSOR_OPTICS: EntitySensorOpticsRead = {
  type: 'optics-entity-sensor',
  sensorType: { oid: '1.3.6.1.4.1.9.9.91.1.1.1.1.1', name: 'CISCO-ENTITY-SENSOR-MIB::entSensorType' },
  scale: { oid: '1.3.6.1.4.1.9.9.91.1.1.1.1.2', name: 'CISCO-ENTITY-SENSOR-MIB::entSensorScale' },
  precision: { oid: '1.3.6.1.4.1.9.9.91.1.1.1.1.3', name: 'CISCO-ENTITY-SENSOR-MIB::entSensorPrecision' },
  value: { oid: '1.3.6.1.4.1.9.9.91.1.1.1.1.4', name: 'CISCO-ENTITY-SENSOR-MIB::entSensorValue' },
  status: { oid: '1.3.6.1.4.1.9.9.91.1.1.1.1.5', name: 'CISCO-ENTITY-SENSOR-MIB::entSensorStatus' },
  entityName: ENT_PHYSICAL_NAME,
  entityDescr: ENT_PHYSICAL_DESCR,
  containedIn: ENT_PHYSICAL_CONTAINED_IN,
  dbmTypes: [14],
  wattTypes: [6],
  namePattern: OPTICS_NAME,
  // SensorValue underflow / overflow (CISCO-ENTITY-SENSOR-MIB)
  nullValues: [-1000000000, 1000000000],
  rxPattern: OPTICS_RX,
  txPattern: OPTICS_TX,
  portStripPattern: OPTICS_STRIP,
  lanePattern: OPTICS_LANE,
  capitalizeWords: true,
}

export const GENERIC_READ_SETS: Record<GenericReadSet, ProfileRead[]> = {
  'if-mib': [IF_MIB],
  'host-resources': [HOST_RESOURCES],
  'entity-sensor': [ENTITY_SENSOR_OPTICS],
}

/** Any SNMP device: interfaces, CPU/RAM where present, standard optics sensors. */
export const GENERIC_PROFILE: DeviceProfile = {
  id: 'generic',
  vendor: 'any',
  description: 'standard MIBs only: IF-MIB, HOST-RESOURCES-MIB, ENTITY-SENSOR-MIB',
  match: {},
  include: ['if-mib', 'host-resources', 'entity-sensor'],
  reads: [],
  verified: true,
  source: 'RFC 2863 (IF-MIB), RFC 2790 (HOST-RESOURCES-MIB), RFC 3433 (ENTITY-SENSOR-MIB); checked against Debian snmpd in test/collector/snmpd.test.ts',
}
