// The gateway seen from OpenAI's and Mistral's own clients, with Salon fronting fake
// OpenAI-style upstreams: requests pass through untouched apart from `model`, extras come
// back, failures before the first byte move to the next target or fallback, failures after it
// reach the client as an error event, and Azure OpenAI is addressed by deployment.
import { Mistral } from '@mistralai/mistralai';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeBehaviour, type FakeUpstream } from './helpers/fake-openai.js';
import { startGatewayApp, type GatewayApp } from './helpers/gateway-app.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((item) => item.close()));
});

async function fake(...script: FakeBehaviour[]): Promise<FakeUpstream> {
  const upstream = await startFakeOpenAI(script.length ? script : undefined);
  opened.push(upstream);
  return upstream;
}

async function salon(yaml: string): Promise<GatewayApp & { client: OpenAI }> {
  const app = await startGatewayApp(yaml);
  opened.push(app);
  return {
    ...app,
    client: new OpenAI({ baseURL: app.baseURL, apiKey: app.apiKey, maxRetries: 0 }),
  };
}

/** salon.yaml with one `openai` provider per upstream (p0, p1, …) and the given models. */
function config(upstreams: FakeUpstream[], models: string, extra = ''): string {
  const providers = upstreams
    .map(
      (upstream, i) =>
        `  p${i}: { type: openai, base_url: '${upstream.url}', api_key: key-${i}-secret-value }`,
    )
    .join('\n');
  return `providers:\n${providers}\nmodels:\n${models}\nrouter:\n  backoff: { initial_ms: 1, max_ms: 50 }\n${extra}`;
}

async function post(app: GatewayApp, path: string, body: unknown) {
  const response = await request(`${app.baseURL}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    text: await response.body.text(),
  };
}

describe('passing requests through', () => {
  it('streams the upstream reply to the openai client, extras kept, usage only when asked', async () => {
    const upstream = await fake({
      kind: 'reply',
      text: 'The answer is 42.',
      chunks: 4,
      extra: { reasoning_content: 'thinking' },
    });
    const { client } = await salon(
      config([upstream], '  - { name: chat, targets: [{ provider: p0, model: up-model }] }'),
    );

    const stream = await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    let text = '';
    let reasoning = '';
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      reasoning +=
        (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)
          ?.reasoning_content ?? '';
      if (chunk.usage) sawUsage = true;
    }
    expect(text).toBe('The answer is 42.');
    expect(reasoning).toBe('thinking'.repeat(4));
    expect(sawUsage).toBe(false);
    expect(upstream.requests[0]!.body).toMatchObject({
      model: 'up-model',
      stream: true,
      stream_options: { include_usage: true },
    });

    const withUsage = await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of withUsage) usage = chunk.usage ?? usage;
    expect(usage).toEqual({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 });
  });

  it('forwards unknown fields, tools, tool_choice, n and logprobs untouched, and keeps reply extras', async () => {
    const upstream = await fake({ kind: 'reply', text: 'ok', extra: { reasoning_content: 'why' } });
    const app = await salon(
      config([upstream], '  - { name: chat, targets: [{ provider: p0, model: up-model }] }'),
    );
    const sent = {
      model: 'chat',
      messages: [{ role: 'user', content: 'Weather?', name: 'ann' }],
      tools: [
        {
          type: 'function',
          function: { name: 'weather', parameters: { type: 'object', properties: {} } },
        },
      ],
      tool_choice: 'auto',
      n: 2,
      logprobs: true,
      top_logprobs: 3,
      top_k: 40,
      min_p: 0.05,
      chat_template_kwargs: { enable_thinking: false },
      response_format: { type: 'json_object' },
    };
    const reply = await post(app, '/chat/completions', sent);
    expect(reply.status).toBe(200);
    expect(reply.headers['x-salon-target']).toBe('p0/up-model');
    expect(upstream.requests[0]!.body).toEqual({ ...sent, model: 'up-model' });
    const json = JSON.parse(reply.text);
    expect(json.choices[0].message).toMatchObject({ content: 'ok', reasoning_content: 'why' });
  });

  it('routes embeddings and legacy completions like chat', async () => {
    const upstream = await fake();
    const { client } = await salon(
      config(
        [upstream],
        '  - { name: embed, targets: [{ provider: p0, model: e5 }] }\n  - { name: base, targets: [{ provider: p0 }] }',
      ),
    );
    const embeddings = await client.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    expect(embeddings.data).toHaveLength(2);
    expect(upstream.requests[0]).toMatchObject({
      path: '/v1/embeddings',
      body: { model: 'e5', input: ['a', 'b'] },
    });

    const completion = await client.completions.create({
      model: 'base',
      prompt: 'Once',
      echo: true,
      logprobs: 1,
    });
    expect(completion.choices[0]!.text).toBe('Hello!');
    // Without a target model, the upstream gets the name the client used.
    expect(upstream.requests[1]).toMatchObject({
      path: '/v1/completions',
      body: { model: 'base', echo: true, logprobs: 1 },
    });
  });

  it('works with the official Mistral client', async () => {
    const upstream = await fake({ kind: 'reply', text: 'Bonjour !', chunks: 3 });
    const app = await salon(
      config([upstream], '  - { name: mistral-small-latest, targets: [{ provider: p0 }] }'),
    );
    const mistral = new Mistral({
      apiKey: app.apiKey,
      serverURL: app.baseURL.replace(/\/v1$/, ''),
    });

    const reply = await mistral.chat.complete({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'Salut' }],
    });
    expect(reply.choices[0]?.message?.content).toBe('Bonjour !');

    const stream = await mistral.chat.stream({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'Salut' }],
    });
    let text = '';
    for await (const event of stream)
      text += (event.data.choices[0]?.delta.content as string) ?? '';
    expect(text).toBe('Bonjour !');
  });

  it('addresses Azure OpenAI by deployment with api-version and the api-key header', async () => {
    const upstream = await fake({ kind: 'reply', text: 'from azure' });
    const endpoint = upstream.url.replace(/\/v1$/, '');
    const app = await salon(`providers:
  azure:
    type: azure-openai
    base_url: ${endpoint}
    api_key: azure-secret-key
    api_version: 2024-10-21
    deployments: { gpt-4o: prod-gpt4o }
models:
  - { name: gpt-4o, targets: [{ provider: azure, model: gpt-4o }] }
`);
    const reply = await app.client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(reply.choices[0]!.message.content).toBe('from azure');
    const received = upstream.requests[0]!;
    expect(received.path).toBe(
      '/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21',
    );
    expect(received.headers['api-key']).toBe('azure-secret-key');
    expect(received.headers.authorization).toBeUndefined();
  });

  it('rejects a body without model or messages with a 400 naming the field', async () => {
    const app = await salon(
      config([await fake()], '  - { name: chat, targets: [{ provider: p0 }] }'),
    );
    const noMessages = await post(app, '/chat/completions', { model: 'chat' });
    expect(noMessages.status).toBe(400);
    expect(JSON.parse(noMessages.text).error.param).toBe('messages');
    const unknown = await post(app, '/chat/completions', {
      model: 'nope',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error.code).toBe('model_not_found');
  });
});

describe('failures', () => {
  const chat = { model: 'chat', messages: [{ role: 'user' as const, content: 'Hi' }] };

  it('moves to the next target on 429, 5xx, reset and garbage, naming the one that served', async () => {
    const failing = await Promise.all([
      fake({ kind: 'status', status: 429, headers: { 'retry-after': '0' } }),
      fake({ kind: 'status', status: 503 }),
      fake({ kind: 'reset' }),
      fake({ kind: 'garbage' }),
    ]);
    const healthy = await fake({ kind: 'reply', text: 'survived' });
    const all = [...failing, healthy];
    const targets = all.map((_, i) => `{ provider: p${i} }`).join(', ');
    const app = await salon(
      config(all, `  - { name: chat, balance: weighted, targets: [${targets}] }`, '  retries: 4\n'),
    );
    // Weighted order is random: whatever the order, the request ends on the healthy target.
    const reply = await post(app, '/chat/completions', chat);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text).choices[0].message.content).toBe('survived');
    expect(reply.headers['x-salon-target']).toBe('p4');
  });

  it('does not retry an upstream 400, and passes its message on', async () => {
    const rejecting = await fake({
      kind: 'status',
      status: 400,
      message: 'max_tokens is too large',
    });
    const other = await fake();
    const app = await salon(
      config(
        [rejecting, other],
        '  - { name: chat, balance: weighted, targets: [{ provider: p0 }, { provider: p1, weight: 0.000001 }] }',
      ),
    );
    const reply = await post(app, '/chat/completions', chat);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text).error.message).toContain('max_tokens is too large');
    expect(rejecting.requests.length + other.requests.length).toBe(1);
  });

  it('falls back to another model when every target fails', async () => {
    const down = await fake({ kind: 'status', status: 500 });
    const backup = await fake({ kind: 'reply', text: 'from the fallback' });
    const app = await salon(
      config(
        [down, backup],
        '  - { name: chat, targets: [{ provider: p0 }], fallbacks: [backup] }\n  - { name: backup, targets: [{ provider: p1 }] }',
      ),
    );
    const reply = await post(app, '/chat/completions', { ...chat, stream: true });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-salon-target']).toBe('p1');
    expect(reply.text).toContain('from the fallback'.slice(0, 6));
    expect(reply.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('gives the client an error event, not a silent end, when the upstream cuts or errs mid-stream', async () => {
    const cut = await fake({ kind: 'cut', text: 'Half a sentence', afterChunks: 2, chunks: 4 });
    const erring = await fake({ kind: 'stream-error', afterChunks: 1, message: 'overloaded' });
    const app = await salon(
      config(
        [cut, erring],
        '  - { name: chat, targets: [{ provider: p0 }] }\n  - { name: err, targets: [{ provider: p1 }] }',
      ),
    );
    for (const model of ['chat', 'err']) {
      const stream = await app.client.chat.completions.create({
        ...chat,
        model,
        stream: true as const,
      });
      let text = '';
      const reading = (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })();
      await expect(reading).rejects.toThrow(model === 'err' ? /overloaded/ : /p0/);
      expect(text.length).toBeGreaterThan(0);
    }
  });

  it('times out a stalled stream and a silent upstream, moving to the next target before the first byte', async () => {
    const silent = await fake({ kind: 'slow', delayMs: 30_000 });
    const stalling = await fake({ kind: 'stall', text: 'and then nothing', afterChunks: 1 });
    const healthy = await fake({ kind: 'reply', text: 'on time' });
    const app = await salon(
      config(
        [silent, stalling, healthy],
        '  - { name: chat, balance: weighted, targets: [{ provider: p0 }, { provider: p2, weight: 0.000001 }] }\n  - { name: stall, targets: [{ provider: p1 }] }',
        '  timeouts: { first_token: 0.3, idle: 0.3 }\n',
      ),
    );
    const started = Date.now();
    const reply = await post(app, '/chat/completions', chat);
    expect(JSON.parse(reply.text).choices[0].message.content).toBe('on time');
    // Far below the silent upstream's 30 s, with room for a loaded CI machine.
    expect(Date.now() - started).toBeLessThan(10_000);

    const stalled = await post(app, '/chat/completions', { ...chat, model: 'stall', stream: true });
    expect(stalled.status).toBe(200);
    const last = stalled.text.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(last.replace(/^data: /, '')).error).toMatchObject({
      code: 'upstream_timeout',
    });
  });

  it('never shows the upstream key in an error, even when the upstream echoes it', async () => {
    const echoing = await fake({
      kind: 'status',
      status: 401,
      message: 'Incorrect API key provided: key-0-secret-value',
    });
    const app = await salon(config([echoing], '  - { name: chat, targets: [{ provider: p0 }] }'));
    const reply = await post(app, '/chat/completions', chat);
    expect(reply.status).toBe(401);
    expect(reply.text).not.toContain('key-0-secret-value');
    expect(reply.text).toContain('[redacted]');
  });
});

afterAll(async () => {
  await Promise.all(opened.splice(0).map((item) => item.close()));
});
