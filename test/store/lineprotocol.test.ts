import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeValue, encodeValue, line, qlIdent, qlString } from '../../store/influx/lineprotocol.ts'

test('encodes percent, backslash and control characters reversibly', () => {
  for (const v of ['plain', '100%', 'trailing\\', 'a\nb\rc\td', '%0A literal', 'ünï 🚦', '']) assert.is(decodeValue(encodeValue(v)), v)
  assert.is(encodeValue('a\\b\n%'), 'a%5Cb%0A%25')
})

test('escapes measurement, tags and omits empty tag values', () => {
  assert.is(line('wifi clients,x', [['neighborhood', 'Frog Hollow'], ['device', 'a=b,c'], ['instance', '']], 'value=1.5', 1700000000000),
    'wifi\\ clients\\,x,device=a\\=b\\,c,neighborhood=Frog\\ Hollow value=1.5 1700000000000')
})

test('quotes InfluxQL strings and identifiers', () => {
  assert.is(qlString("' OR 1=1 --"), "'\\' OR 1=1 --'")
  assert.is(qlIdent('say "hi"\\'), '"say \\"hi\\"%5C"')
})

test.run()
