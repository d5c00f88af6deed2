import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../../tests/helpers/fake-openai.js';
import { emptyConfig, type SalonConfig } from '../config/schema.js';
import { isSalonError } from '../lib/errors.js';
import { UpstreamAllowList } from '../lib/upstream-allow-list.js';
import { Gateway } from './gateway.js';
import { buildCatalog } from './model-catalog.js';
import type { StreamPart } from './providers/types.js';

const upstreams: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(upstreams.splice(0).map((upstream) => upstream.close()));
});

const noEngine = {
  loadModel: () => Promise.reject(new Error('the engine is not used in this suite')),
};

async function collect(parts: AsyncIterable<StreamPart>): Promise<string> {
  let text = '';
  for await (const part of parts) if (part.type === 'text-delta') text += part.text;
  return text;
}

async function gatewayOver(...behaviours: Array<Parameters<typeof startFakeOpenAI>[0]>) {
  const config: SalonConfig = emptyConfig();
  for (const [i, script] of behaviours.entries()) {
    const upstream = await startFakeOpenAI(script);
    upstreams.push(upstream);
    config.providers[`p${i}`] = { type: 'openai', base_url: upstream.url, api_key: `key-${i}` };
  }
  return config;
}

describe('gateway', () => {
  it('streams from the first target and names it', async () => {
    const config = await gatewayOver([{ kind: 'reply', text: 'Bonjour tout le monde' }]);
    config.models.push({
      name: 'small',
      targets: [{ provider: 'p0', model: 'mistral-small-latest' }],
    });
    const gateway = new Gateway(buildCatalog(config, {}), noEngine);
    const started = await gateway.chat('small', { messages: [{ role: 'user', content: 'Salut' }] });
    expect(started.target).toBe('p0/mistral-small-latest');
    expect(await collect(started.parts)).toBe('Bonjour tout le monde');
    const sent = upstreams[0]!.requests[0]!;
    expect(sent.body).toMatchObject({ model: 'mistral-small-latest', stream: true });
    expect(sent.headers.authorization).toBe('Bearer key-0');
  });

  it('fails over to the next target on a 503 and to a fallback model after that', async () => {
    const config = await gatewayOver(
      [{ kind: 'status', status: 503 }],
      [{ kind: 'reset' }],
      [{ kind: 'reply', text: 'from the fallback' }],
    );
    config.models.push(
      { name: 'small', targets: [{ provider: 'p0' }, { provider: 'p1' }], fallbacks: ['large'] },
      { name: 'large', targets: [{ provider: 'p2' }] },
    );
    const gateway = new Gateway(buildCatalog(config, {}), noEngine);
    const started = await gateway.chat('small', { messages: [{ role: 'user', content: 'x' }] });
    expect(started.target).toBe('p2');
    expect(await collect(started.parts)).toBe('from the fallback');
    expect(upstreams.map((u) => u.requests.length)).toEqual([1, 1, 1]);
  });

  it('does not retry a client error, and keeps its status', async () => {
    const config = await gatewayOver([{ kind: 'status', status: 400, message: 'bad field' }], []);
    // p0 first (by weight): a 400 is the request's fault, so p1 must never be asked.
    config.models.push({
      name: 'small',
      balance: 'weighted',
      targets: [{ provider: 'p0' }, { provider: 'p1', weight: 1e-9 }],
    });
    const gateway = new Gateway(buildCatalog(config, {}), noEngine);
    const error = await gateway
      .chat('small', { messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(isSalonError(error) && error.status).toBe(400);
    expect(String(error.message)).toMatch(/bad field/);
    expect(upstreams[1]!.requests).toHaveLength(0);
  });

  it('answers 404 for an unknown model', async () => {
    const gateway = new Gateway(buildCatalog(emptyConfig(), {}), noEngine);
    const error = await gateway.chat('nope', { messages: [] }).catch((e) => e);
    expect(isSalonError(error) && error.status).toBe(404);
  });
});

describe('model catalog', () => {
  it('serves SALON_MODEL under its file name, aliased small, and found files by name', () => {
    const catalog = buildCatalog(emptyConfig(), {
      modelFile: '/m/Mistral-7B.Q4.gguf',
      localModels: [{ id: 'other', path: '/d/other.gguf' }],
    });
    expect(catalog.routes.map((r) => [r.name, r.aliasOf])).toEqual([
      ['small', 'Mistral-7B.Q4'],
      ['Mistral-7B.Q4', undefined],
      ['other', undefined],
    ]);
    expect(catalog.providers['Mistral-7B.Q4']).toEqual({
      type: 'llama',
      model_path: '/m/Mistral-7B.Q4.gguf',
    });
  });

  it('leaves `small` to the config when it defines it', () => {
    const catalog = buildCatalog(
      {
        providers: { up: { type: 'openai', base_url: 'http://127.0.0.1:9/v1' } },
        models: [{ name: 'small', targets: [{ provider: 'up' }] }],
      },
      { modelFile: '/m/tiny.gguf' },
    );
    expect(catalog.routes.find((r) => r.name === 'small')!.targets).toEqual([{ provider: 'up' }]);
    expect(catalog.routes.map((r) => r.name)).toContain('tiny');
  });
});

describe('gateway.addLocalModel', () => {
  it('serves a file that appeared after start, as `small` when nothing else is', async () => {
    const gateway = new Gateway(buildCatalog(emptyConfig(), {}), noEngine);
    expect(gateway.addLocalModel({ id: 'tiny', path: '/models/tiny.gguf' })).toBe(true);
    expect(gateway.listModels()).toEqual([
      { name: 'small', aliasOf: 'tiny', targets: [{ provider: 'tiny' }], fallbacks: [] },
      { name: 'tiny', targets: [{ provider: 'tiny' }], fallbacks: [] },
    ]);
    expect(gateway.provider('tiny')).toBeDefined();
    expect(gateway.addLocalModel({ id: 'other', path: '/models/other.gguf' })).toBe(true);
    expect(gateway.listModels().find((route) => route.name === 'small')?.aliasOf).toBe('tiny');
  });

  it('leaves names the config or an earlier file took', async () => {
    const config = await gatewayOver([{ kind: 'reply', text: 'from the config' }]);
    config.models.push({ name: 'tiny', targets: [{ provider: 'p0' }] });
    const gateway = new Gateway(buildCatalog(config, {}), noEngine);
    expect(gateway.addLocalModel({ id: 'tiny', path: '/models/tiny.gguf' })).toBe(false);
    const started = await gateway.chat('tiny', { messages: [{ role: 'user', content: 'x' }] });
    expect(await collect(started.parts)).toBe('from the config');
    // A provider named like the file: the route gets a provider of its own.
    expect(gateway.addLocalModel({ id: 'p0', path: '/models/p0.gguf' })).toBe(true);
    expect(gateway.listModels().find((route) => route.name === 'p0')?.targets).toEqual([
      { provider: 'file:p0' },
    ]);
  });
});

describe('gateway.addProvider', () => {
  it('serves each upstream model by name, `provider/model` when taken, first as `small`', async () => {
    const config = await gatewayOver([{ kind: 'reply', text: 'from the config' }]);
    config.models.push({ name: 'taken', targets: [{ provider: 'p0' }] });
    // The fake upstream listens on 127.0.0.1, which a provider connected at run time reaches
    // only when the operator's allow-list names it.
    const gateway = new Gateway(buildCatalog(config, {}), {
      ...noEngine,
      upstreams: { allowList: new UpstreamAllowList(['127.0.0.1']) },
    });
    const upstream = await startFakeOpenAI([{ kind: 'reply', text: 'from the new one' }]);
    upstreams.push(upstream);
    const added = gateway.addProvider(
      'acme',
      { type: 'openai', base_url: upstream.url, api_key: 'sk-acme' },
      ['taken', 'fresh', 'fresh'],
    );
    expect(added).toEqual(['acme/taken', 'fresh']);
    expect(gateway.addedRoutes('acme')).toEqual(['acme/taken', 'fresh']);
    expect(gateway.listModels().map((route) => [route.name, route.aliasOf])).toEqual([
      ['small', 'acme/taken'],
      ['taken', undefined],
      ['acme/taken', undefined],
      ['fresh', undefined],
    ]);
    const started = await gateway.chat('acme/taken', {
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(started.target).toBe('acme/taken');
    expect(await collect(started.parts)).toBe('from the new one');
    expect(upstream.requests[0]!.body.model).toBe('taken');
    expect(upstream.requests[0]!.headers.authorization).toBe('Bearer sk-acme');
    // The config's route is untouched.
    const configured = await gateway.chat('taken', { messages: [{ role: 'user', content: 'x' }] });
    expect(await collect(configured.parts)).toBe('from the config');
  });

  it('refuses a taken provider name and leaves `small` to whoever has it', async () => {
    const config = await gatewayOver([]);
    config.models.push({ name: 'small', targets: [{ provider: 'p0' }] });
    const gateway = new Gateway(buildCatalog(config, {}), noEngine);
    const entry = { type: 'openai' as const, base_url: 'http://127.0.0.1:1/v1' };
    expect(() => gateway.addProvider('p0', entry, ['m'])).toThrow(
      expect.objectContaining({ status: 409, param: 'name' }),
    );
    gateway.addProvider('acme', entry, ['m']);
    expect(gateway.listModels().find((route) => route.name === 'small')?.aliasOf).toBeUndefined();
  });

  it('removes a provider and its routes, `small` included, and only added ones', async () => {
    const gateway = new Gateway(buildCatalog(await gatewayOver([]), {}), noEngine);
    const entry = { type: 'openai' as const, base_url: 'http://127.0.0.1:1/v1' };
    gateway.addProvider('one', entry, ['a', 'b']);
    gateway.addProvider('two', entry, ['a', 'c']);
    expect(gateway.listModels().map((route) => route.name)).toEqual([
      'small',
      'a',
      'b',
      'two/a',
      'c',
    ]);
    expect(await gateway.removeProvider('one')).toBe(true);
    expect(gateway.listModels().map((route) => route.name)).toEqual(['two/a', 'c']);
    expect(gateway.provider('one')).toBeUndefined();
    expect(await gateway.removeProvider('one')).toBe(false);
    expect(await gateway.removeProvider('p0')).toBe(false); // from the config: stays
    await expect(
      gateway.chat('a', { messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('reaches an internal upstream only while the allow-list names it, reloads included', async () => {
    const config = await gatewayOver([{ kind: 'reply', text: 'from the config' }]);
    config.models.push({ name: 'configured', targets: [{ provider: 'p0' }] });
    const gateway = new Gateway(buildCatalog(config, {}), noEngine);
    const upstream = await startFakeOpenAI([{ kind: 'reply', text: 'from the new one' }]);
    upstreams.push(upstream);
    gateway.addProvider('acme', { type: 'openai', base_url: upstream.url }, ['m']);
    const ask = async (model: string) =>
      collect((await gateway.chat(model, { messages: [{ role: 'user', content: 'x' }] })).parts);
    // salon.yaml's provider on 127.0.0.1 needs no allow-list; the one added at run time does.
    expect(await ask('configured')).toBe('from the config');
    await expect(ask('m')).rejects.toThrow(/127\.0\.0\.1 is a loopback address; add it to/);
    expect(upstream.requests).toHaveLength(0);
    const { port } = new URL(upstream.url);
    const summary = gateway.reload(buildCatalog(config, {}), undefined, [`127.0.0.1:${port}`]);
    expect(summary.changed).toEqual(['acme']); // rebuilt: nothing stays pooled from before
    expect(await ask('m')).toBe('from the new one');
    gateway.reload(buildCatalog(config, {}), undefined, []);
    await expect(ask('m')).rejects.toThrow(/loopback address/);
    expect(upstream.requests).toHaveLength(1);
  });
});
