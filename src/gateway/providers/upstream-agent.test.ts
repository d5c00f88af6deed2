import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamAllowList } from '../../lib/upstream-allow-list.js';
import { enteredAccess } from './upstream-access.js';
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
    'mapped.example': '::ffff:169.254.169.254',
  });

  it('connects to a name that resolves to an ordinary address', async () => {
    const agent = createUpstreamAgent({ connectTimeoutMs: 2_000, resolve });
    const response = await request(`http://models.internal:${port}/`, { dispatcher: agent });
    expect(await response.body.text()).toBe('reached');
    await agent.close();
  });

  it('refuses a name that resolves to a metadata address, on IPv4 and IPv6', async () => {
    const agent = createUpstreamAgent({ connectTimeoutMs: 2_000, resolve });
    for (const host of ['innocent.example', 'v6.example', 'mapped.example']) {
      await expect(request(`http://${host}:${port}/`, { dispatcher: agent })).rejects.toThrow(
        /link-local or cloud metadata address/,
      );
    }
    await agent.close();
  });

  it('refuses a metadata address written as the host, in any of its forms, without connecting', async () => {
    // Node does not look up a host that is already an address: the check must not rely on it.
    const agent = createUpstreamAgent({ connectTimeoutMs: 2_000, resolve });
    for (const host of [
      '169.254.169.254',
      '[::ffff:169.254.169.254]',
      '[::ffff:a9fe:a9fe]',
      '0xA9FEA9FE',
      '2852039166',
      '0251.0376.0251.0376',
      '[fd00:ec2::254]',
      '[fe80::1]',
    ]) {
      await expect(
        request(`http://${host}/latest/meta-data/`, { dispatcher: agent }),
        host,
      ).rejects.toThrow(/link-local or cloud metadata address/);
    }
    await agent.close();
  });

  const entered = (...entries: string[]) => enteredAccess(new UpstreamAllowList(entries));

  it('refuses a loopback or private address for an entered upstream, as written or resolved', async () => {
    const agent = createUpstreamAgent({ connectTimeoutMs: 2_000, access: entered(), resolve });
    await expect(request(`http://127.0.0.1:${port}/`, { dispatcher: agent })).rejects.toThrow(
      /^127\.0\.0\.1 is a loopback address; add it to security\.upstream_allow/,
    );
    await expect(request(`http://[::ffff:7f00:1]:${port}/`, { dispatcher: agent })).rejects.toThrow(
      /add 127\.0\.0\.1 to security\.upstream_allow/,
    );
    await expect(request(`http://models.internal:${port}/`, { dispatcher: agent })).rejects.toThrow(
      /^models\.internal resolves to 127\.0\.0\.1, a loopback address; add models\.internal to/,
    );
    await expect(request(`http://localhost:${port}/`, { dispatcher: agent })).rejects.toThrow(
      /loopback address/,
    );
    await agent.close();
  });

  it('lets an entered upstream reach what the allow-list names, on its port if given', async () => {
    for (const allowed of [
      '127.0.0.1',
      `127.0.0.1:${port}`,
      '127.0.0.0/8',
      'models.internal',
      `models.internal:${port}`,
    ]) {
      const agent = createUpstreamAgent({
        connectTimeoutMs: 2_000,
        access: entered(allowed),
        resolve,
      });
      const response = await request(`http://models.internal:${port}/`, { dispatcher: agent });
      expect(await response.body.text(), allowed).toBe('reached');
      await agent.close();
    }
    const otherPort = createUpstreamAgent({
      connectTimeoutMs: 2_000,
      access: entered('127.0.0.1:1', 'models.internal:1', '10.0.0.0/8'),
      resolve,
    });
    await expect(
      request(`http://models.internal:${port}/`, { dispatcher: otherPort }),
    ).rejects.toThrow(/loopback address/);
    await otherPort.close();
  });

  it('checks every connection, so a name that starts resolving inside is refused (DNS rebinding)', async () => {
    let answer = '93.184.216.34';
    const changing: Resolve = (_hostname, _options, callback) =>
      callback(null, [{ address: answer, family: 4 }]);
    const agent = createUpstreamAgent({
      connectTimeoutMs: 2_000,
      access: entered(),
      resolve: changing,
    });
    answer = '127.0.0.1';
    await expect(request(`http://rebind.example:${port}/`, { dispatcher: agent })).rejects.toThrow(
      /rebind\.example resolves to 127\.0\.0\.1, a loopback address/,
    );
    answer = '10.0.0.7';
    await expect(request(`http://rebind.example:${port}/`, { dispatcher: agent })).rejects.toThrow(
      /a private network address/,
    );
    await agent.close();
  });

  it('keeps only the allowed addresses of a name with several', async () => {
    const dualStack: Resolve = (_hostname, _options, callback) =>
      callback(null, [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ]);
    const agent = createUpstreamAgent({
      connectTimeoutMs: 2_000,
      access: entered('127.0.0.1'),
      resolve: dualStack,
    });
    // The server listens on 127.0.0.1 only: reaching it means ::1 was dropped, not tried first.
    const response = await request(`http://dual.example:${port}/`, { dispatcher: agent });
    expect(await response.body.text()).toBe('reached');
    await agent.close();
  });

  it('does not follow a redirect, even to an allowed address', async () => {
    let reached = 0;
    const target = http.createServer((_request, response) => {
      reached++;
      response.end('secret');
    });
    await new Promise<void>((done) => target.listen(0, '127.0.0.1', done));
    const targetPort = (target.address() as AddressInfo).port;
    const redirecting = http.createServer((_request, response) => {
      response.writeHead(302, { location: `http://127.0.0.1:${targetPort}/` }).end();
    });
    await new Promise<void>((done) => redirecting.listen(0, '127.0.0.1', done));
    const agent = createUpstreamAgent({ connectTimeoutMs: 2_000, resolve });
    const response = await request(
      `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`,
      { dispatcher: agent },
    );
    expect(response.statusCode).toBe(302);
    await response.body.dump();
    expect(reached).toBe(0);
    await agent.close();
    await new Promise((done) => target.close(done));
    await new Promise((done) => redirecting.close(done));
  });
});
