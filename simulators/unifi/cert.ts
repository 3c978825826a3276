/**
 * A self-signed TLS certificate for the simulated controller, made at start with the
 * openssl command line tool (Node can make keys but not X.509 certificates). The key
 * lives in memory only: openssl writes it to a private temp directory that is removed
 * before this returns. Like a real UniFi console's factory certificate, it is self-signed;
 * unlike one, it names the loopback address it is served on, so a collector given it as
 * its CA file can verify the host name too.
 */
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isIP } from 'node:net'

export interface SimCertificate {
  /** PEM private key (P-256) */
  key: string
  /** PEM certificate: hand it to a collector as its CA file */
  cert: string
  /** SHA-256 fingerprint of the certificate, upper-case hex with colons, as openssl and Node print it */
  fingerprint256: string
}

/** Makes a fresh self-signed certificate for these host names and addresses (valid 30 days). */
export function makeSelfSignedCertificate(hosts: readonly string[], commonName = 'UniFi'): SimCertificate {
  const names = [...new Set(['localhost', '127.0.0.1', ...hosts])]
  const san = names.map((h) => (isIP(h.replace(/^\[|\]$/g, '')) ? `IP:${h.replace(/^\[|\]$/g, '')}` : `DNS:${h}`)).join(',')
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-unifi-cert-'))
  try {
    const keyFile = join(dir, 'key.pem')
    const certFile = join(dir, 'cert.pem')
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', `/CN=${commonName}`, '-addext', `subjectAltName=${san}`, '-addext', 'basicConstraints=critical,CA:TRUE'],
        { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 },
      )
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: Buffer }
      if (e.code === 'ENOENT') throw new Error('the simulated UniFi controller needs the openssl command to make its certificate (Debian: apt-get install openssl; scripts/setup.sh installs it)', { cause: err })
      throw new Error(`openssl could not make the simulated controller's certificate: ${String(e.stderr ?? e.message).trim().split('\n')[0]}`, { cause: err })
    }
    const key = readFileSync(keyFile, 'utf8')
    const cert = readFileSync(certFile, 'utf8')
    return { key, cert, fingerprint256: new X509Certificate(cert).fingerprint256 }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
