/**
 * Accounts as a deployment opens them (civicnet serve, demo, users, audit): the key from
 * its file (made on first start, accounts/key.ts), the settings from the environment
 * (accounts/env.ts), and an hourly prune of ended sessions, old failure counts and audit
 * entries past the retention period.
 */
import type { Database } from 'better-sqlite3'
import { accountsConfigFromEnv } from './env.ts'
import { createAccounts, type Accounts, type AccountsConfig } from './index.ts'
import { accountsKeyPath, loadOrCreateAccountsKey } from './key.ts'

export interface OpenedAccounts {
  accounts: Accounts
  keyPath: string
  /** the key file was made now (a first start, or a data dir restored without it) */
  keyCreated: boolean
}

/** What a deployment's environment says: where the key is, and the settings. Throws naming a wrong variable. */
export function accountsSetupFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): { keyPath: string; config: Partial<AccountsConfig> } {
  return { keyPath: accountsKeyPath(dataDir, env), config: accountsConfigFromEnv(env) }
}

export function openDeploymentAccounts(db: Database, setup: { keyPath: string; config: Partial<AccountsConfig> }): OpenedAccounts {
  const { key, created } = loadOrCreateAccountsKey(setup.keyPath)
  return { accounts: createAccounts({ db, key, config: setup.config }), keyPath: setup.keyPath, keyCreated: created }
}

/** Prunes now and every `everyMs` (default an hour); returns the stop. */
export function startAccountsPruning(accounts: Accounts, onPruned: (n: { sessions: number; failures: number; audit: number }) => void = () => {}, everyMs = 3_600_000): () => void {
  const run = () => {
    const n = accounts.prune(Date.now())
    if (n.sessions + n.failures + n.audit > 0) onPruned(n)
  }
  run()
  const timer = setInterval(run, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
