#!/usr/bin/env node
// The `civicnet` command. Runs the TypeScript sources through tsx, so no build step is
// needed to use it from a clone (`npx civicnet <command>` or `node bin/civicnet.js`).
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
