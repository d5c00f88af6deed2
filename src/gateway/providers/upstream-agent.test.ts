import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamAgent, type Resolve } from './upstream-agent.js';

// A resolver that answers from a table, as a DNS server under someone else's control might.
const fakeDns =
  (table: Record<string, string>): Resolve =>
  (hostname, _options, callback) => {
    const address = table[hostname];
    if (!address) return callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  };

describe('upstream connections', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const resolve = fakeDns({
    'models.internal': '127.0.0.1',
    'innocent.example': '169.254.169.254',
    'v6.example': 'fd00:ec2::254',
  });

  it('connects to a name that resolves to an ordinary address', async () => {
    const agent = createUpstreamAgent({ connectTimeoutMs: 2_000, resolve });
    const response = await request(`http://models.internal:${port}/`, { dispatcher: agent });
    expect(await response.body.text()).toBe('reached');
    await agent.close();
  });

  it('refuses a name that resolves to a metadata address, on IPv4 and IPv6', async () => {
    const agent = createUpstreamAgent({ connectTimeoutMs: 2_000, resolve });
    for (const host of ['innocent.example', 'v6.example']) {
      await expect(request(`http://${host}:${port}/`, { dispatcher: agent })).rejects.toThrow(
        /link-local or cloud metadata address/,
      );
    }
    await agent.close();
  });
});
