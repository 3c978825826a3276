/** cli/log.ts: the logger choice of every CLI command, and the progress line. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import pino from 'pino'
import { createCliLogger, formatDuration, logFormat, progressOf } from '../../cli/log.ts'

const test = suite('cli/log')

function sink(isTTY: boolean) {
  const out: string[] = []
  return { out, stream: { write: (s: string) => out.push(s), isTTY } }
}

test('LOG_FORMAT wins; otherwise pretty on a terminal and JSON elsewhere; anything else is refused by name', () => {
  assert.is(logFormat({}, { write: () => 0, isTTY: true }), 'pretty')
  assert.is(logFormat({}, { write: () => 0, isTTY: false }), 'json')
  assert.is(logFormat({}, { write: () => 0 }), 'json')
  assert.is(logFormat({ LOG_FORMAT: 'json' }, { write: () => 0, isTTY: true }), 'json')
  assert.is(logFormat({ LOG_FORMAT: 'pretty' }, { write: () => 0 }), 'pretty')
  assert.is(logFormat({ LOG_FORMAT: ' JSON ' }, { write: () => 0, isTTY: true }), 'json')
  assert.is(logFormat({ LOG_FORMAT: '' }, { write: () => 0, isTTY: true }), 'pretty')
  assert.throws(() => logFormat({ LOG_FORMAT: 'yaml' }, { write: () => 0 }), /LOG_FORMAT must be 'json' or 'pretty', got 'yaml'/)
  assert.throws(() => createCliLogger({ env: { LOG_FORMAT: 'text' }, stream: sink(true).stream }), /LOG_FORMAT/)
})

test('JSON: one record a line, at LOG_LEVEL', () => {
  const { out, stream } = sink(false)
  const log = createCliLogger({ env: { LOG_LEVEL: 'warn' }, stream })
  log.info('hidden')
  log.warn({ device: 'ap-1' }, 'slow')
  assert.is(out.length, 1)
  const rec = JSON.parse(out[0]!)
  assert.equal([rec.level, rec.msg, rec.device], [40, 'slow', 'ap-1'])
  assert.ok(out[0]!.endsWith('\n'))
})

test('pretty: one readable line per record, written at once, the part first, no pid or hostname', () => {
  const { out, stream } = sink(false)
  const log = createCliLogger({ env: { LOG_FORMAT: 'pretty' }, stream })
  log.info({ version: 1 }, 'provisioned')
  log.child({ part: 'poller' }).warn({ missed: 2 }, 'poll skipped')
  assert.is(out.length, 2, 'synchronous: both lines are out before the next statement')
  assert.match(out[0]!, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: provisioned \{"version":1\}\n$/)
  assert.match(out[1]!, /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: poller: poll skipped \{"missed":2\}\n$/)
  assert.not.match(out.join(''), /"pid"|"hostname"/)
  assert.not.ok(out.join('').includes('\x1b['), 'no colours off a terminal')
})

test('progress on a terminal: one line rewritten in place with the time left; a log line prints above it', () => {
  const { out, stream } = sink(true)
  const log = createCliLogger({ env: { NO_COLOR: '1' }, stream })
  let t = 0
  const p = progressOf(log, { what: 'history', total: 4, now: () => t })
  t = 1000
  p.step(1)
  t = 2000
  p.step(2)
  log.info('agent answered late')
  t = 2050
  p.step(3) // within 100 ms of the last draw: not drawn
  t = 4000
  p.step(4)
  p.end()
  assert.equal(out, [
    '\r\x1b[Khistory: 1/4 steps (25 %), about 3 s left',
    '\r\x1b[Khistory: 2/4 steps (50 %), about 2 s left',
    out[2], // checked below
    '\r\x1b[Khistory: 4/4 steps (100 %), done in 4 s',
    '\r\x1b[Khistory: 4/4 steps (100 %), done in 4 s\n',
  ])
  // the status line is cleared, the log line printed, and the status line drawn again below it
  assert.ok(out[2]!.startsWith('\r\x1b[K'), JSON.stringify(out[2]))
  assert.match(out[2]!.slice(4), /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: agent answered late\nhistory: 2\/4 steps \(50 %\), about 2 s left$/)
  // once ended, log lines are plain again
  log.info('after')
  assert.match(out[5]!, /^\[[^\]]+\] INFO: after\n$/)
})

test('progress elsewhere (JSON, or pretty off a terminal, or any pino logger): a record every tenth, and a closing one', () => {
  for (const make of [
    () => {
      const { out, stream } = sink(false)
      return { out, log: createCliLogger({ stream }) }
    },
    () => {
      const { out, stream } = sink(true)
      return { out, log: createCliLogger({ env: { LOG_FORMAT: 'json' }, stream }) }
    },
    () => {
      const out: string[] = []
      return { out, log: pino({ level: 'info' }, { write: (s: string) => out.push(s) }) }
    },
  ]) {
    const { out, log } = make()
    let t = 0
    const p = progressOf(log, { what: 'history', total: 25, now: () => t })
    for (let i = 1; i <= 25; i++) {
      t = i * 400
      p.step(i, { at: `step ${i}` })
    }
    p.end()
    const recs = out.map((l) => JSON.parse(l))
    assert.equal(
      recs.map((r) => [r.msg, r.done, r.of, r.leftSeconds]),
      [
        ['history', 3, 25, 9],
        ['history', 6, 25, 8],
        ['history', 9, 25, 6],
        ['history', 12, 25, 5],
        ['history', 15, 25, 4],
        ['history', 18, 25, 3],
        ['history', 21, 25, 2],
        ['history', 24, 25, 0],
        ['history done', 25, 25, undefined],
      ],
    )
    assert.is(recs[0].at, 'step 3')
    assert.is(recs[8].realSeconds, 10)
  }
})

test('durations read as people say them', () => {
  assert.is(formatDuration(0), '0 s')
  assert.is(formatDuration(59_400), '59 s')
  assert.is(formatDuration(65_000), '1 min 5 s')
  assert.is(formatDuration(2 * 3_600_000 + 3 * 60_000), '2 h 3 min')
  assert.is(formatDuration(-5), '0 s')
})

test.run()
