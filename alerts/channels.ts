/**
 * Where alert messages go: a webhook (the message as JSON, POSTed; signed with HMAC-SHA256
 * when the channel has a secret) or e-mail over SMTP (nodemailer). A sender resolves when
 * the receiver took the message and throws a DeliveryError otherwise, saying whether trying
 * again can help. Nothing secret is in an error's text.
 */
import { createHmac } from 'node:crypto'
import nodemailer from 'nodemailer'
import type { ChannelConfig, EmailChannel, WebhookChannel } from './config.ts'
import type { AlertMessage } from './store.ts'

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** false when the receiver refused it for good (a 4xx other than 408/429, a rejected recipient) */
    readonly retriable: boolean,
  ) {
    super(message)
    this.name = 'DeliveryError'
  }
}

export type Sender = (message: AlertMessage) => Promise<void>

export function createSender(c: ChannelConfig): { send: Sender; close(): void } {
  return c.type === 'webhook' ? { send: webhookSender(c), close() {} } : emailSender(c)
}

/** The header a receiver checks: `sha256=` and the hex HMAC of the exact body under the secret. */
export const SIGNATURE_HEADER = 'X-CivicNet-Signature'
export const signBody = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

function webhookSender(c: WebhookChannel): Sender {
  return async (message) => {
    const body = JSON.stringify(message)
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'CivicNet-alerts/1', ...c.headers }
    if (c.secret !== null) headers[SIGNATURE_HEADER] = signBody(c.secret, body)
    let res: Response
    try {
      res = await fetch(c.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(c.timeoutMs), redirect: 'error' })
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } }
      const why = e.name === 'TimeoutError' ? `no answer within ${c.timeoutMs} ms` : (e.cause?.code ?? e.message)
      throw new DeliveryError(`webhook ${c.name}: ${why}`, true)
    }
    await res.arrayBuffer().catch(() => undefined)
    if (res.status >= 200 && res.status < 300) return
    const retriable = res.status >= 500 || res.status === 408 || res.status === 429
    throw new DeliveryError(`webhook ${c.name}: the receiver answered ${res.status}${retriable ? '' : ' (refused: not retried)'}`, retriable)
  }
}

function emailSender(c: EmailChannel) {
  const transport = nodemailer.createTransport({
    host: c.host,
    port: c.port,
    secure: c.secure,
    requireTLS: c.requireTls,
    ignoreTLS: !c.secure && !c.requireTls,
    ...(c.user !== null && c.password !== null ? { auth: { user: c.user, pass: c.password } } : {}),
    connectionTimeout: c.timeoutMs,
    greetingTimeout: c.timeoutMs,
    socketTimeout: c.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  })
  const send: Sender = async (m) => {
    const word = m.status === 'resolved' ? 'RESOLVED' : m.repeat ? 'STILL FIRING' : 'FIRING'
    const lines = [
      m.text,
      '',
      `Rule: ${m.rule} (${m.kind})    Severity: ${m.severity}`,
      `Since: ${new Date(m.startsMs).toISOString()}${m.endsMs !== null ? `    Ended: ${new Date(m.endsMs).toISOString()}` : ''}`,
      ...(m.url ? [`More: ${m.url}`] : []),
      '',
      `-- CivicNet alerts (key ${m.key})`,
    ]
    try {
      await transport.sendMail({ from: c.from, to: c.to, subject: `[CivicNet] ${word} ${m.severity}: ${m.title}`, text: lines.join('\n'), headers: { 'X-CivicNet-Alert-Key': m.key } })
    } catch (err) {
      const e = err as Error & { responseCode?: number; code?: string }
      // 5xx: the server refused the message or a recipient for good; anything else can pass
      const refused = typeof e.responseCode === 'number' && e.responseCode >= 500
      const why = `${e.responseCode ? `${e.responseCode} ` : ''}${e.code ? `${e.code}: ` : ''}${e.message.split('\n')[0]!.slice(0, 200)}`
      throw new DeliveryError(`e-mail ${c.name} via ${c.host}:${c.port}: ${why}`, !refused)
    }
  }
  return { send, close: () => transport.close() }
}
