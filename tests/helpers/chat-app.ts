// The web UI's API over a real runtime whose models are fake OpenAI-style upstreams: `chat`
// (the default, scripted per test) and `small` (answers titles, so they never consume the
// chat script). Or, with `modelFile`, the embedded engine serving that GGUF file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Message } from '../../src/chat/message-record.js';
import { resolveSettings } from '../../src/config/settings.js';
import { buildApp } from '../../src/server/app.js';
import { openRuntime } from '../../src/server/runtime.js';
import { startFakeOpenAI, type FakeUpstream } from './fake-openai.js';
import type { StoreTarget, TestDatabase } from './stores.js';

/** A chat API under test. */
export interface ChatTestApp {
  app: FastifyInstance;
  runtime: Awaited<ReturnType<typeof openRuntime>>;
  /** The `chat` model's upstream; set `script` before each request. */
  chat: FakeUpstream;
  /** The `small` model's upstream (titles). */
  titles: FakeUpstream;
  /** Closes the app and runtime, then opens them again on the same data (a restart). */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

async function writeConfig(dir: string, chat: FakeUpstream, titles: FakeUpstream): Promise<string> {
  const file = path.join(dir, 'salon.yaml');
  await writeFile(
    file,
    [
      'providers:',
      `  chat: { type: openai, base_url: "${chat.url}", timeout: 10 }`,
      `  titles: { type: openai, base_url: "${titles.url}", timeout: 10 }`,
      'models:',
      '  - { name: chat, targets: [{ provider: chat, model: fake-chat }] }',
      '  - { name: small, targets: [{ provider: titles, model: fake-small }] }',
      '',
    ].join('\n'),
  );
  return file;
}

async function openApp(
  database: TestDatabase,
  dataDir: string,
  env: NodeJS.ProcessEnv,
  config?: string,
) {
  const { databaseUrl } = database.options;
  const settings = resolveSettings(
    { dataDir, config },
    { ...env, ...(databaseUrl && { DATABASE_URL: databaseUrl }) },
  );
  const runtime = await openRuntime(settings);
  // Tests restart the app while their HTTP client may still hold a keep-alive socket open.
  const app = await buildApp(runtime, { forceCloseConnections: true });
  await app.ready();
  return { app, runtime };
}

/** Opens a fresh database on `target` and the chat API over it. */
export async function openChatTestApp(
  target: StoreTarget,
  /** `env` adds settings (REDIS_URL, …). */
  options: { modelFile?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ChatTestApp> {
  const database = await target.createDatabase();
  const dataDir = database.options.databaseUrl
    ? await mkdtemp(path.join(os.tmpdir(), 'salon-chat-'))
    : database.options.dataDir;
  const chat = await startFakeOpenAI([{ kind: 'reply', text: 'Bonjour, comment ça va ?' }]);
  const titles = await startFakeOpenAI([{ kind: 'reply', text: '"Greetings in French."' }]);
  const config = options.modelFile ? undefined : await writeConfig(dataDir, chat, titles);
  const env = { ...options.env, ...(options.modelFile && { SALON_MODEL: options.modelFile }) };
  let opened = await openApp(database, dataDir, env, config);
  const testApp: ChatTestApp = {
    ...opened,
    chat,
    titles,
    async restart() {
      await opened.app.close();
      await opened.runtime.close();
      opened = await openApp(database, dataDir, env, config);
      Object.assign(testApp, opened);
    },
    async dispose() {
      await opened.app.close();
      await opened.runtime.close();
      await Promise.all([chat.close(), titles.close()]);
      await database.drop();
      if (database.options.databaseUrl) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return testApp;
}

/** A new conversation's first turn, as POST /api/conversations/:id/messages answers it. */
export interface FirstTurn {
  conversationId: string;
  userMessage: Message;
  assistantMessage: Message;
  runId: string;
}

/** Creates a conversation and posts `content` as its first message, which starts a run. */
export async function startConversation(
  app: FastifyInstance,
  headers: Record<string, string>,
  content: string,
): Promise<FirstTurn> {
  const created = await app.inject({
    method: 'POST',
    url: '/api/conversations',
    headers,
    payload: {},
  });
  const conversationId = created.json<{ id: string }>().id;
  const posted = await app.inject({
    method: 'POST',
    url: `/api/conversations/${conversationId}/messages`,
    headers,
    payload: { content, parentId: null },
  });
  expect(posted.statusCode, posted.body).toBe(201);
  return { conversationId, ...posted.json<Omit<FirstTurn, 'conversationId'>>() };
}
