// A server process killed mid-reply: after a restart the reply is `interrupted` (once its lease,
// which the dead process no longer renews, has expired), with the text that was flushed before
// the kill, and the user's message is there.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './helpers/fake-openai.js';
import { startSalon, type SalonServer } from './helpers/salon-process.js';

const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
let upstream: FakeUpstream | undefined;
const servers: SalonServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop('SIGKILL')));
  await upstream?.close();
});

interface Session {
  url: string;
  headers: Record<string, string>;
}

async function signIn(url: string): Promise<Session> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'owner@example.com', password: 'correct horse battery' }),
  });
  expect(response.status).toBe(200);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  return {
    url,
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
  };
}

async function api<T>(session: Session, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${session.url}${route}`, {
    method,
    headers: session.headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} ${route}`).toBeLessThan(300);
  return (await response.json()) as T;
}

interface Message {
  id: string;
  role: string;
  content: string;
  status: string;
}

describe('a server killed mid-reply', () => {
  it('keeps the user message and marks the reply interrupted with its flushed text', async () => {
    upstream = await startFakeOpenAI([
      { kind: 'reply', text: words, chunks: 60, chunkDelayMs: 100 },
    ]);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salon-crash-'));
    const config = path.join(dataDir, 'salon.yaml');
    writeFileSync(
      config,
      `providers:\n  up:\n    type: openai\n    base_url: ${upstream.url}\nmodels:\n  - name: slow\n    targets: [{ provider: up }]\n`,
    );
    const env = {
      SALON_ADMIN_EMAIL: 'owner@example.com',
      SALON_ADMIN_PASSWORD: 'correct horse battery',
      // Leases renewed every second: the reply is taken over within about three.
      SALON_RUN_HEARTBEAT: '1',
    };
    const first = await startSalon(['--data-dir', dataDir, '--config', config], env);
    servers.push(first);
    const session = await signIn(first.url);
    const conversation = await api<{ id: string }>(session, 'POST', '/api/conversations', {
      model: 'slow',
    });
    const posted = await api<{ assistantMessage: Message }>(
      session,
      'POST',
      `/api/conversations/${conversation.id}/messages`,
      { content: 'Tell me a long story', parentId: null },
    );
    // Wait until some of the reply has been flushed to the database, then kill the process.
    let partial = '';
    for (let i = 0; i < 100 && partial.split(' ').length < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const view = await api<{ messages: Message[] }>(
        session,
        'GET',
        `/api/conversations/${conversation.id}`,
      );
      partial = view.messages.find((m) => m.id === posted.assistantMessage.id)!.content;
    }
    expect(partial.length).toBeGreaterThan(0);
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await startSalon(['--data-dir', dataDir, '--config', config], env);
    servers.push(second);
    const again = await signIn(second.url);
    const read = async () => {
      const view = await api<{ messages: Message[] }>(
        again,
        'GET',
        `/api/conversations/${conversation.id}`,
      );
      return view.messages;
    };
    await expect
      .poll(async () => (await read()).find((m) => m.id === posted.assistantMessage.id)!.status, {
        timeout: 15_000,
        interval: 250,
      })
      .toBe('interrupted');
    const messages = await read();
    const user = messages.find((m) => m.role === 'user')!;
    const reply = messages.find((m) => m.id === posted.assistantMessage.id)!;
    expect(user.content).toBe('Tell me a long story');
    expect(reply.status).toBe('interrupted');
    expect(reply.content.length).toBeGreaterThanOrEqual(partial.length);
    expect(words.startsWith(reply.content)).toBe(true);
    expect(reply.content.length).toBeLessThan(words.length);
  });
});
