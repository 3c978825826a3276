/**
 * What a request's path says once every spelling a router or a proxy accepts is undone:
 * the absolute form (`GET http://host/api/x`), %-escapes (`/%61pi`, `%2F`, twice-encoded),
 * doubled slashes, dot segments (`/x/../api`), path parameters (`/api;x`) and case. Used to keep the web app's wildcard from answering anything
 * that reads as /api, and to echo a path in an error without echoing 5,000 characters.
 */

/** Longest path an error message repeats; the rest is cut with an ellipsis. */
const SHOWN_CHARS = 100

export interface RequestPath {
  /** the raw path, without query, cut to SHOWN_CHARS and with control characters escaped */
  shown: string
  /** the path decoded, slashes collapsed, lower-case */
  normalized: string
  /** normalized is /api or under it */
  apiLike: boolean
  /** normalized is /docs or under it */
  docsLike: boolean
}

function decodeFully(s: string): string {
  let out = s
  for (let i = 0; i < 3; i++) {
    let next: string
    try {
      next = decodeURIComponent(out)
    } catch {
      // A lone '%' or a broken escape: decode what can be, escape by escape.
      next = out.replace(/%[0-9a-f]{2}/gi, (m) => {
        try {
          return decodeURIComponent(m)
        } catch {
          return m
        }
      })
    }
    if (next === out) break
    out = next
  }
  return out
}

/** RFC 3986 5.2.4: '/x/../api' is '/api', '/./api' is '/api'. */
function removeDotSegments(path: string): string {
  const out: string[] = []
  for (const seg of path.split('/').slice(1)) {
    if (seg === '..') out.pop()
    else if (seg !== '.') out.push(seg)
  }
  return '/' + out.join('/')
}

export function requestPath(url: string): RequestPath {
  let raw = url.split('?')[0]!.split('#')[0]!
  if (!raw.startsWith('/')) {
    // absolute form: the path is what follows the authority
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(raw)
    raw = m ? (m[1] ?? '/') : '/' + raw
  }
  const normalized = removeDotSegments(
    decodeFully(raw)
      .replace(/\\/g, '/')
      .replace(/\/{2,}/g, '/')
      // path parameters (';jsessionid=...'), which some servers and proxies drop
      .replace(/;[^/]*/g, '')
      .toLowerCase(),
  )
  // eslint-disable-next-line no-control-regex -- control characters are what is escaped
  const clean = raw.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  const shown = clean.length > SHOWN_CHARS ? `${clean.slice(0, SHOWN_CHARS)}… (${raw.length} characters)` : clean
  const under = (p: string) => normalized === p || normalized.startsWith(p + '/')
  return { shown, normalized, apiLike: under('/api'), docsLike: under('/docs') }
}
