/**
 * The host part of a Host header or an authority (`wifi.example.gov:8443`, `[::1]:8080`),
 * lower-case, without port or brackets: what the Host check (app.ts) compares with the
 * allowed names, and what the guard compares an Origin with.
 */
export function hostName(authority: string): string {
  const a = authority.trim().toLowerCase()
  if (a.startsWith('[')) return a.slice(1, a.indexOf(']') > 0 ? a.indexOf(']') : undefined)
  const colon = a.indexOf(':')
  // a bare IPv6 address has several colons and no port
  return colon >= 0 && a.indexOf(':', colon + 1) < 0 ? a.slice(0, colon) : a
}
