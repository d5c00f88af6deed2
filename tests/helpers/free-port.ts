// A TCP port nothing listens on, for servers that need one on their command line (a private
// PostgreSQL or Redis). The OS picks it; another process could take it before ours starts, which
// the caller's start then reports.
import net from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
