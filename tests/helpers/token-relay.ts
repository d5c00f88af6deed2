// A real HTTP relay in front of a server: every request is forwarded as it came (Host header
// included, so the server builds its URLs with the relay's address) and every answer passed back
// unchanged, except the successful JSON answers of one path, which go through `rewrite` first.
// In front of an identity provider's token endpoint, it lets a test hand the client an ID token of
// its own making inside an otherwise genuine code exchange.
import {
  createServer,
  request as forward,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which answers the relay edits, and how. */
export interface RelayRewrite {
  /** Path of the POST requests whose 200 JSON answers are rewritten, e.g. `/token`. */
  path: string;
  rewrite(body: Record<string, unknown>): Record<string, unknown>;
}

/** A listening relay. */
export interface Relay {
  /** Its address, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  close(): Promise<void>;
}

/** Starts a relay on 127.0.0.1 (random port) forwarding to `target` (an origin). */
export async function startRelay(target: string, edit: RelayRewrite): Promise<Relay> {
  const server = createServer((incoming, outgoing) => {
    const upstream = forward(
      new URL(incoming.url!, target),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        const edited =
          incoming.method === 'POST' &&
          new URL(incoming.url!, target).pathname === edit.path &&
          answer.statusCode === 200;
        if (edited) {
          passRewritten(answer, outgoing, edit).catch((error: unknown) => {
            console.error('relay: could not rewrite the answer:', error);
            outgoing.destroy(error as Error);
          });
        } else {
          outgoing.writeHead(answer.statusCode!, answer.rawHeaders);
          answer.pipe(outgoing);
        }
      },
    );
    upstream.on('error', (error) => outgoing.destroy(error));
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function passRewritten(
  answer: IncomingMessage,
  outgoing: ServerResponse,
  edit: RelayRewrite,
) {
  const chunks: Buffer[] = [];
  for await (const chunk of answer) chunks.push(chunk as Buffer);
  const body = Buffer.from(
    JSON.stringify(edit.rewrite(JSON.parse(Buffer.concat(chunks).toString('utf8')))),
  );
  // The body's length changed: the server's framing headers no longer apply.
  const headers: OutgoingHttpHeaders = { ...answer.headers, 'content-length': body.length };
  delete headers['transfer-encoding'];
  outgoing.writeHead(answer.statusCode!, headers);
  outgoing.end(body);
}
