/** A free UDP port on 127.0.0.1: bind port 0, read the port, release it. */
import { createSocket } from 'node:dgram'

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4')
    s.once('error', reject)
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}
