import net from 'node:net';
import { Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDialect } from './dialect.postgres.js';
import { isStorageUnavailable } from './storage-unavailable.js';

describe('the PostgreSQL dialect', () => {
  // A database that hangs instead of refusing: it accepts connections and never says a word.
  const sockets = new Set<net.Socket>();
  const blackHole = net.createServer((socket) => void sockets.add(socket));
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  it('gives up on a connection that never opens, as storage unavailable, within its timeout', async () => {
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as net.AddressInfo;
    const { dialect } = await createPostgresDialect({
      databaseUrl: `postgres://salon@127.0.0.1:${port}/salon`,
      connectTimeoutMs: 300,
    });
    const db = new Kysely({ dialect });
    const startedAt = performance.now();
    const failure = await sql`select 1`.execute(db).then(
      () => undefined,
      (error: unknown) => error,
    );
    const waitedMs = performance.now() - startedAt;
    await db.destroy();
    expect(sockets.size, 'the driver did reach the server').toBeGreaterThan(0);
    expect(failure).toBeInstanceOf(Error);
    expect(isStorageUnavailable(failure)).toBe(true);
    expect(waitedMs).toBeGreaterThanOrEqual(250);
    expect(waitedMs).toBeLessThan(5_000);
  });
});
