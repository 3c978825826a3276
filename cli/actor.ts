/**
 * Who runs a command, as the audit log and saved records say it: `cli:<OS user>` (from
 * os.userInfo(), when it is a plain name), or `cli` when the OS cannot say. And the one
 * place a command adds an entry to the audit log (accounts/store.ts), which needs no key.
 */
import { userInfo } from 'node:os'
import type { Database } from 'better-sqlite3'
import type { Actor } from '../accounts/index.ts'
import { openAccountStore } from '../accounts/store.ts'

/** The OS user running the command, when it is a plain name (letters, digits, . _ @ -); else null. */
export function osUserName(): string | null {
  try {
    const name = userInfo().username
    return name && /^[A-Za-z0-9._@-]{1,64}$/.test(name) ? name : null
  } catch {
    return null
  }
}

/** Who the audit log says ran the command: `cli:<OS user>`, or `cli`. */
export function cliActor(): Actor {
  const user = osUserName()
  return { name: user ? `cli:${user}` : 'cli', address: null }
}

/** Records an act of this command in the app state's audit log. */
export function auditCliAct(db: Database, action: string, target: string | null, detail: string | null, nowMs = Date.now()): void {
  openAccountStore(db).addAudit({ timeMs: nowMs, actor: cliActor().name, address: null, action, target, outcome: 'ok', detail })
}
