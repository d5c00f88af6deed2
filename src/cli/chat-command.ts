// `salon chat`: a conversation in the terminal, on the models of this data dir and config
// (in-process), or against a running server with --url.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { resolveSettings, type SettingsFlags } from '../config/settings.js';
import type { ChatMessage, StreamPart } from '../gateway/types.js';
import { defaultAlias } from '../gateway/model-catalog.js';
import { parseSse } from '../lib/sse.js';
import { createGateway } from '../server/runtime.js';

type Generate = (messages: ChatMessage[], signal: AbortSignal) => AsyncIterable<string>;

interface ChatFlags {
  model: string;
  url?: string;
  key?: string;
  system?: string;
  maxTokens?: string;
}

/** Adds `salon chat`. */
export function registerChatCommand(program: Command, globalFlags: () => SettingsFlags): void {
  program
    .command('chat')
    .description('chat with a model in the terminal')
    .option('-m, --model <name>', 'model name or alias', defaultAlias)
    .option('--url <url>', 'a running Salon server (otherwise the models run in this process)')
    .option('--key <key>', 'API key for --url (default: SALON_API_KEY)')
    .option('--system <text>', 'system prompt')
    .option('--max-tokens <n>', 'most tokens per reply')
    .action(async (flags: ChatFlags) => {
      const maxTokens = flags.maxTokens ? Number(flags.maxTokens) : undefined;
      if (flags.url) {
        await converse(
          remote(flags.url, flags.key ?? process.env.SALON_API_KEY, flags.model, maxTokens),
          flags,
        );
        return;
      }
      const gateway = await createGateway(resolveSettings(globalFlags()));
      try {
        await converse(async function* (messages, signal) {
          const started = await gateway.chat(flags.model, { messages, maxTokens, signal });
          yield* texts(started.parts);
        }, flags);
      } finally {
        await gateway.close();
      }
    });
}

async function converse(generate: Generate, flags: ChatFlags): Promise<void> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  const messages: ChatMessage[] = flags.system ? [{ role: 'system', content: flags.system }] : [];
  console.error(
    `Chatting with '${flags.model}'. /reset starts over, /exit (or Ctrl-D) leaves; Ctrl-C stops a reply.`,
  );
  terminal.on('SIGINT', () => current?.abort());
  let current: AbortController | undefined;
  for (;;) {
    let line: string;
    try {
      line = await terminal.question('› ');
    } catch {
      break; // input closed
    }
    if (line.trim() === '/exit') break;
    if (line.trim() === '/reset') {
      messages.splice(flags.system ? 1 : 0);
      continue;
    }
    if (!line.trim()) continue;
    messages.push({ role: 'user', content: line });
    current = new AbortController();
    let reply = '';
    try {
      for await (const text of generate(messages, current.signal)) {
        reply += text;
        process.stdout.write(text);
      }
    } catch (error) {
      if (!current.signal.aborted) console.error(`\n${(error as Error).message}`);
    }
    process.stdout.write('\n');
    messages.push({ role: 'assistant', content: reply });
  }
  terminal.close();
}

async function* texts(parts: AsyncIterable<StreamPart>): AsyncIterable<string> {
  for await (const part of parts) if (part.type === 'text-delta') yield part.text;
}

function remote(url: string, key: string | undefined, model: string, maxTokens?: number): Generate {
  return async function* (messages, signal) {
    const response = await fetch(`${url.replace(/\/+$/, '')}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key && { authorization: `Bearer ${key}` }),
      },
      body: JSON.stringify({ model, messages, stream: true, max_tokens: maxTokens }),
      signal,
    });
    if (!response.ok || !response.body) {
      const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
      throw new Error(body.error?.message ?? `server answered ${response.status}`);
    }
    for await (const event of parseSse(response.body)) {
      if (event.data === '[DONE]') return;
      const chunk = JSON.parse(event.data) as {
        error?: { message: string };
        choices?: Array<{ delta?: { content?: string } }>;
      };
      if (chunk.error) throw new Error(chunk.error.message);
      const text = chunk.choices?.[0]?.delta?.content;
      if (text) yield text;
    }
  };
}
