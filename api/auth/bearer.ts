/**
 * The token of an `Authorization: Bearer <token>` header, the scheme in any case (RFC 9110
 * 11.1) and spaces after it; null for any other form. The API's guard and the collector's
 * metrics endpoint (cli/metrics-server.ts) read the header the same way. Imports nothing.
 */
export function bearerToken(header: string): string | null {
  return /^Bearer +(\S+)\s*$/i.exec(header)?.[1] ?? null
}
