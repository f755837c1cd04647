import { connect } from 'node:net'

/**
 * Sends one request as raw bytes over a fresh socket and returns the status of the first
 * response (0 when the server closed without answering). For bytes Node's own HTTP client
 * refuses to send: control characters, CR/LF, NUL, anything in an Authorization value.
 */
export function sendRaw(
  url: string,
  path: string,
  authorization: Buffer,
): Promise<{ status: number; text: string }> {
  const { port } = new URL(url)
  const request = Buffer.concat([
    Buffer.from(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: `,
      'latin1',
    ),
    authorization,
    Buffer.from('\r\n\r\n', 'latin1'),
  ])
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1')
    const chunks: Buffer[] = []
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request timed out')))
    socket.on('data', (c: Buffer) => chunks.push(c))
    // A server may reset a connection it refuses to parse: that is an answer, not a failure.
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error),
    )
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      resolve({ status: status ? Number(status[1]) : 0, text })
    })
    socket.end(request)
  })
}
