// Talking to a `salon serve` child process (salon-process.ts) as the web UI does: the owner's
// session (cookie and CSRF token), JSON calls, a first turn that starts a run, and a salon.yaml
// over fake upstreams (`chat` slow or scripted, `small` for titles).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { FakeUpstream } from './fake-openai.js';

/** The owner account the helpers sign in as; pass `ownerEnv` to the first `startSalon`. */
export const ownerEnv = {
  SALON_ADMIN_EMAIL: 'owner@example.com',
  SALON_ADMIN_PASSWORD: 'correct horse battery',
};

/** A signed-in session on one server (sessions are rows: valid on every replica of a database). */
export interface SalonSession {
  url: string;
  headers: Record<string, string>;
}

/** Signs the owner in on `url`. */
export async function signInOwner(url: string): Promise<SalonSession> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: ownerEnv.SALON_ADMIN_EMAIL,
      password: ownerEnv.SALON_ADMIN_PASSWORD,
    }),
  });
  expect(response.status).toBe(200);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  return {
    url,
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
  };
}

/** The same session on another replica. */
export function onReplica(session: SalonSession, url: string): SalonSession {
  return { ...session, url };
}

/** A JSON call that must succeed. */
export async function callApi<T>(
  session: SalonSession,
  method: string,
  route: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${session.url}${route}`, {
    method,
    headers: session.headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} ${route}`).toBeLessThan(300);
  return (await response.json()) as T;
}

/** A reply's run, as POST /api/conversations/:id/messages answers it. */
export interface StartedRun {
  conversationId: string;
  messageId: string;
  runId: string;
}

/** Creates a conversation on `model` and posts its first message, which starts a run. */
export async function startRun(session: SalonSession, model = 'chat'): Promise<StartedRun> {
  const conversation = await callApi<{ id: string }>(session, 'POST', '/api/conversations', {
    model,
  });
  const posted = await callApi<{ assistantMessage: { id: string }; runId: string }>(
    session,
    'POST',
    `/api/conversations/${conversation.id}/messages`,
    { content: 'Tell me a long story', parentId: null },
  );
  return {
    conversationId: conversation.id,
    messageId: posted.assistantMessage.id,
    runId: posted.runId,
  };
}

/** salon.yaml's lines serving `chat` from `chat` and `small` (titles) from `titles`. */
export function chatAndTitlesYaml(chat: FakeUpstream, titles: FakeUpstream): string[] {
  return [
    'providers:',
    `  chat: { type: openai, base_url: "${chat.url}" }`,
    `  titles: { type: openai, base_url: "${titles.url}" }`,
    'models:',
    '  - { name: chat, targets: [{ provider: chat, model: fake-chat }] }',
    '  - { name: small, targets: [{ provider: titles, model: fake-small }] }',
  ];
}

/** Writes `<dir>/salon.yaml` serving `chat` from `chat` and `small` (titles) from `titles`. */
export function writeSalonYaml(dir: string, chat: FakeUpstream, titles: FakeUpstream): string {
  const file = path.join(dir, 'salon.yaml');
  writeFileSync(file, [...chatAndTitlesYaml(chat, titles), ''].join('\n'));
  return file;
}

/** The numbered words of a long story, one per chunk: a prefix of it is a partial reply. */
export function storyOf(words: number): string {
  return Array.from({ length: words }, (_, i) => `w${String(i).padStart(3, '0')} `).join('');
}
