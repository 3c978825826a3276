/**
 * `civicnet <command>`: one entry for every part. Each command lives in its own module,
 * loaded only when called, so `civicnet poll` never loads the web server.
 */
export interface Command {
  summary: string
  usage: string
  /** returns the process exit code */
  run(args: string[]): Promise<number>
  /** the command has subcommands that print their own --help (main prints `usage` only for `civicnet NAME --help`) */
  subcommandHelp?: boolean
}

const commands: Record<string, () => Promise<{ command: Command }>> = {
  demo: () => import('./demo.ts'),
  inventory: () => import('./inventory.ts'),
  simulate: () => import('./simulate.ts'),
  poll: () => import('./poll.ts'),
  profiles: () => import('./profiles.ts'),
  collect: () => import('./collect.ts'),
  serve: () => import('./serve.ts'),
  report: () => import('./report.ts'),
  plan: () => import('./plan.ts'),
  export: () => import('./export.ts'),
  provision: () => import('./provision.ts'),
  backup: () => import('./backup.ts'),
  restore: () => import('./restore.ts'),
  doctor: () => import('./doctor.ts'),
  users: () => import('./users.ts'),
  audit: () => import('./audit.ts'),
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const lines = ['usage: civicnet <command> [options]', '', 'commands:']
    for (const [n, load] of Object.entries(commands)) {
      try {
        lines.push(`  ${n.padEnd(10)} ${(await load()).command.summary}`)
      } catch {
        lines.push(`  ${n.padEnd(10)} (not available in this build)`)
      }
    }
    console.log(lines.join('\n'))
    return name ? 0 : 2
  }
  const load = commands[name]
  if (!load) {
    console.error(`civicnet: unknown command '${name}' (try: civicnet help)`)
    return 2
  }
  const { command } = await load()
  const asksHelp = command.subcommandHelp ? rest[0] === '--help' || rest[0] === '-h' : rest.includes('--help') || rest.includes('-h')
  if (asksHelp) {
    console.log(command.usage)
    return 0
  }
  return command.run(rest)
}
