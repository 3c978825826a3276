/**
 * accounts/audit-export.ts: the exact CSV and JSON Lines for three entries, one with a
 * detail holding a comma and a quote, one whose detail starts with '=' (a spreadsheet
 * formula, written with a leading '), nulls as empty cells; the CSV reads back through
 * reports/render/csv.ts parseCsv cell for cell.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AUDIT_COLUMNS, auditCsv, auditJsonLines } from '../../accounts/audit-export.ts'
import type { AuditEntry } from '../../accounts/index.ts'
import { parseCsv } from '../../reports/render/csv.ts'

const T0 = Date.UTC(2026, 2, 1, 14, 5, 9, 42)

const ENTRIES: AuditEntry[] = [
  { timeMs: T0 + 2000, actor: 'user:alice', address: '203.0.113.10', action: 'user.role', target: 'user:bob', outcome: 'ok', detail: 'engineer -> planner, said "temporary"' },
  { timeMs: T0 + 1000, actor: null, address: '2001:db8::7', action: 'sign-in', target: null, outcome: 'refused', detail: '=HYPERLINK("http://x.example")' },
  { timeMs: T0, actor: 'cli:root', address: null, action: 'user.add', target: 'user:alice', outcome: 'ok', detail: null },
]

test('CSV: header, ISO UTC times, CRLF lines, quoting and the formula guard', () => {
  const csv = auditCsv(ENTRIES)
  assert.is(
    csv,
    'time,actor,address,action,target,outcome,detail\r\n' +
      '2026-03-01T14:05:11.042Z,user:alice,203.0.113.10,user.role,user:bob,ok,"engineer -> planner, said ""temporary"""\r\n' +
      `2026-03-01T14:05:10.042Z,,2001:db8::7,sign-in,,refused,"'=HYPERLINK(""http://x.example"")"\r\n` +
      '2026-03-01T14:05:09.042Z,cli:root,,user.add,user:alice,ok,\r\n',
  )
  assert.equal(parseCsv(csv), [
    { time: '2026-03-01T14:05:11.042Z', actor: 'user:alice', address: '203.0.113.10', action: 'user.role', target: 'user:bob', outcome: 'ok', detail: 'engineer -> planner, said "temporary"' },
    { time: '2026-03-01T14:05:10.042Z', actor: '', address: '2001:db8::7', action: 'sign-in', target: '', outcome: 'refused', detail: `'=HYPERLINK("http://x.example")` },
    { time: '2026-03-01T14:05:09.042Z', actor: 'cli:root', address: '', action: 'user.add', target: 'user:alice', outcome: 'ok', detail: '' },
  ])
  assert.equal([...AUDIT_COLUMNS], ['time', 'actor', 'address', 'action', 'target', 'outcome', 'detail'])
  assert.is(auditCsv([]), 'time,actor,address,action,target,outcome,detail\r\n')
})

test('JSON Lines: one object a line, the same fields with time and timeMs, nulls kept', () => {
  const text = auditJsonLines(ENTRIES)
  assert.is(
    text,
    '{"time":"2026-03-01T14:05:11.042Z","timeMs":1772373911042,"actor":"user:alice","address":"203.0.113.10","action":"user.role","target":"user:bob","outcome":"ok","detail":"engineer -> planner, said \\"temporary\\""}\n' +
      '{"time":"2026-03-01T14:05:10.042Z","timeMs":1772373910042,"actor":null,"address":"2001:db8::7","action":"sign-in","target":null,"outcome":"refused","detail":"=HYPERLINK(\\"http://x.example\\")"}\n' +
      '{"time":"2026-03-01T14:05:09.042Z","timeMs":1772373909042,"actor":"cli:root","address":null,"action":"user.add","target":"user:alice","outcome":"ok","detail":null}\n',
  )
  assert.equal(text.trimEnd().split('\n').map((l) => JSON.parse(l).timeMs), ENTRIES.map((e) => e.timeMs))
  assert.is(auditJsonLines([]), '')
})

test.run()
