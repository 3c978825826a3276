/**
 * What `npm start` prints: on a terminal (a pseudo-terminal from util-linux `script`),
 * readable log lines and the history fill as one progress line rewritten in place, the
 * banner after the start-up logs; on a pipe, JSON records only, besides the banner.
 * The real CLI, a one-day history (25 hourly steps).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnDemo, type DemoProcess } from '../support/demo-cli.ts'

// eslint-disable-next-line no-control-regex -- terminal control sequences
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const test = suite<{ dirs: string[]; running: DemoProcess[] }>('demo terminal output', { dirs: [], running: [] })
test.after(async (ctx) => {
  for (const d of ctx.running) await d.stop()
  for (const dir of ctx.dirs) rmSync(dir, { recursive: true, force: true })
})

/** Runs the demo until it listens and has printed its banner, then Ctrl-C; returns stdout. */
async function run(ctx: { dirs: string[]; running: DemoProcess[] }, opts: { tty: boolean; env?: Record<string, string> }): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'civicnet-tty-'))
  ctx.dirs.push(dataDir)
  const demo = spawnDemo({ dataDir, tty: opts.tty, env: opts.env ?? {} })
  ctx.running.push(demo)
  await demo.url
  const deadline = Date.now() + 30_000
  while (!/Ctrl-C stops everything/.test(demo.stdout()) && Date.now() < deadline) await sleep(100)
  await sleep(500) // anything logged right after the banner
  const code = await demo.stop()
  ctx.running.splice(ctx.running.indexOf(demo), 1)
  assert.is(code, 0, `the demo did not stop cleanly on Ctrl-C: ${demo.stopReport()}`)
  return demo.stdout()
}

/** The banner: the block of lines indented by two spaces that console.log prints. */
const isBanner = (line: string) => line === '' || line.startsWith('  ')

test('on a terminal: readable lines, the history progress rewritten in place, the banner after the start-up logs', async (ctx) => {
  const raw = await run(ctx, { tty: true, env: { LOG_FORMAT: '' } })
  const text = raw.replace(ANSI, '')
  // A line is what the terminal shows: a carriage return rewrites the line it ends.
  const screenLines = text.split('\n').map((l) => l.replace(/\r$/, '').split('\r').pop()!)
  const jsonLike = screenLines.filter((l) => l.startsWith('{"level"') || l.startsWith('{'))
  assert.equal(jsonLike, [], 'no JSON record on a terminal')
  const logLines = screenLines.filter((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN|ERROR|DEBUG)/.test(l))
  assert.ok(logLines.some((l) => /INFO: starting the demo city/.test(l)), `no readable 'starting the demo city' line in:\n${screenLines.slice(0, 20).join('\n')}`)
  assert.ok(logLines.some((l) => /INFO: poller: poller started/.test(l)), 'the part that logged leads the message')
  // the progress: drawn in place (carriage returns, no newline between two steps) ...
  const drawn = [...text.matchAll(/\rhistory: (\d+)\/(\d+) steps \((\d+) %\), ([^\r\n]*)/g)]
  assert.ok(drawn.length >= 2, `progress drawn ${drawn.length} times`)
  const total = Number(drawn[0]![2])
  assert.ok(total === 24 || total === 25, `one day of hourly steps (and the current hour): ${total}`)
  assert.ok(drawn.some((m) => /^about \d+ s left$/.test(m[4]!)), `an estimate of the time left: ${drawn.map((m) => m[4]).join(' | ')}`)
  const doneLine = screenLines.find((l) => new RegExp(`^history: ${total}/${total} steps \\(100 %\\), done in \\d+ s$`).test(l))
  assert.ok(doneLine, 'the final progress line stays on the screen')
  const between = text.slice(text.indexOf('\rhistory: '), text.lastIndexOf(`history: ${total}/${total}`))
  assert.not.ok(/\nhistory: /.test(between), 'the steps rewrite one line, never a new line each')
  // ... and the banner comes after the start-up logs, in one piece
  const lines = screenLines
  const up = lines.findIndex((l) => /CivicNet demo is up: http/.test(l))
  const listening = lines.findIndex((l) => /Server listening at http/.test(l))
  assert.ok(up > 0 && listening >= 0 && listening < up, `the banner (line ${up}) comes after 'Server listening' (line ${listening})`)
  const end = lines.findIndex((l, i) => i > up && /Ctrl-C stops everything/.test(l))
  assert.ok(end > up && lines.slice(up, end + 1).every(isBanner), `the banner is one block:\n${lines.slice(up, end + 1).join('\n')}`)
  assert.ok(lines.slice(end + 1).some((l) => /INFO: stopping the demo/.test(l)), 'the stop is logged after the banner')
})

test('on a pipe: every line but the banner is a JSON record, the progress a record every tenth of the way', async (ctx) => {
  const out = await run(ctx, { tty: false, env: { LOG_FORMAT: '' } })
  assert.not.ok(out.includes('\r'), 'no carriage return on a pipe')
  const lines = out.split('\n')
  const records: { level: number; msg: string; [k: string]: unknown }[] = []
  for (const line of lines) {
    if (isBanner(line)) continue
    try {
      records.push(JSON.parse(line))
    } catch {
      assert.unreachable(`a line that is neither the banner nor JSON: ${JSON.stringify(line)}`)
    }
  }
  assert.ok(lines.some((l) => /^ {2}CivicNet demo is up: http/.test(l)), 'the banner is printed')
  assert.ok(records.some((r) => r.msg === 'starting the demo city' && typeof r.level === 'number'))
  const total = records.find((r) => r.msg === 'filling history through the SNMP path')?.steps
  assert.ok(total === 24 || total === 25, `one day of hourly steps (and the current hour): ${total}`)
  const steps = records.filter((r) => r.msg === 'history')
  assert.ok(steps.length >= 2 && steps.length <= 10, `${steps.length} progress records for ${total} steps`)
  for (const r of steps) {
    assert.is(r.of, total)
    assert.type(r.done, 'number')
    assert.type(r.leftSeconds, 'number')
    assert.type(r.at, 'string')
  }
  const done = records.find((r) => r.msg === 'history done')
  assert.ok(done && done.done === total && done.of === total && typeof done.realSeconds === 'number', `the closing record: ${JSON.stringify(done)}`)
  assert.ok(records.some((r) => r.msg === 'stopping the demo'))
})

test.run()
