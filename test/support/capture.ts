/** Runs a CLI entry in this process and returns its exit code and printed lines. */
export async function capture(run: () => Promise<number>): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = []
  const err: string[] = []
  const log = console.log
  const error = console.error
  console.log = (...a: unknown[]) => void out.push(...a.join(' ').split('\n'))
  console.error = (...a: unknown[]) => void err.push(...a.join(' ').split('\n'))
  try {
    return { code: await run(), out, err }
  } finally {
    console.log = log
    console.error = error
  }
}
