import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamAllowList } from '../../lib/upstream-allow-list.js';
import { listUpstreamModels } from './openai-models.js';
import type { Resolve } from './resolve-host.js';
import { enteredAccess } from './upstream-access.js';

describe('listUpstreamModels', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const answer = (status: number, body: string, headers: http.OutgoingHttpHeaders = {}) =>
        response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
      if (request.url === '/ok/models') {
        answer(200, JSON.stringify({ data: [{ id: 'a' }, { id: 'b' }, { id: 'a' }, { id: 3 }] }));
      } else if (request.url === '/html/models') answer(200, '<html>hello</html>');
      else if (request.url === '/moved/models') answer(302, '', { location: '/ok/models' });
      else if (request.url === '/empty/models') answer(200, '{"data":[]}');
      // /slow: never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const list = (path: string, timeoutMs?: number) =>
    listUpstreamModels({ type: 'openai', base_url: `${base}${path}` }, { timeoutMs });

  it('reads the ids of an OpenAI model list, once each', async () => {
    expect(await list('/ok/')).toEqual(['a', 'b']);
  });

  it.each([
    ['/html', /not an OpenAI model list/],
    ['/moved', /answered 302/], // redirects are not followed
    ['/empty', /lists no model/],
  ])('refuses %s with the reason', async (path, reason) => {
    await expect(list(path)).rejects.toMatchObject({
      status: 400,
      code: 'model_discovery_failed',
      message: expect.stringMatching(reason),
    });
  });

  it('gives up after the timeout', async () => {
    await expect(list('/slow', 200)).rejects.toMatchObject({
      message: expect.stringMatching(/no answer within 0.2 s/),
    });
  });

  it('refuses a name resolving to a metadata address, and a metadata address as the host', async () => {
    const port = new URL(base).port;
    const metadataDns: Resolve = (_hostname, _options, callback) =>
      callback(null, [{ address: '169.254.169.254', family: 4 }]);
    for (const base_url of [`http://innocent.example:${port}/v1`, 'http://169.254.169.254/v1']) {
      await expect(
        listUpstreamModels(
          { type: 'openai', base_url },
          { timeoutMs: 2_000, resolve: metadataDns },
        ),
      ).rejects.toMatchObject({
        status: 400,
        message: expect.stringMatching(/link-local or cloud metadata address/),
      });
    }
  });

  it('reaches a loopback upstream entered in the web UI only when the allow-list names it', async () => {
    const config = { type: 'openai' as const, base_url: `${base}/ok/` };
    const listed = (entries: string[]) =>
      listUpstreamModels(config, { access: enteredAccess(new UpstreamAllowList(entries)) });
    await expect(listed([])).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(
        /127\.0\.0\.1 is a loopback address; add it to security\.upstream_allow in salon\.yaml/,
      ),
    });
    expect(await listed(['127.0.0.1'])).toEqual(['a', 'b']);
    expect(await listed([`127.0.0.1:${new URL(base).port}`])).toEqual(['a', 'b']);
    await expect(listed(['127.0.0.1:1', '10.0.0.0/8', 'localhost'])).rejects.toMatchObject({
      message: expect.stringMatching(/loopback address/),
    });
  });
});
