// A fast OpenAI-style upstream for bench/evals, run as its own process so that it shares no
// event loop with the harness:
//
//   node --import tsx bench/evals/mock-remote.ts [LATENCY_MS]   → prints {"port":N} on stdout
//
// POST …/completions streams one token with its top logprobs after LATENCY_MS (default 0; a
// hosted API takes ~100–500 ms for a 1-token completion): a letter chosen from a hash of the
// prompt, so answers are fixed but not all the same.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

function frame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

function reply(prompt: string): string {
  const letter = 'ABCD'[createHash('sha1').update(prompt).digest()[0]! % 4]!;
  const top: Record<string, number> = {};
  for (const other of 'ABCD') top[` ${other}`] = other === letter ? -0.3 : -2.5;
  const logprobs = {
    tokens: [` ${letter}`],
    token_logprobs: [-0.3],
    top_logprobs: [top],
    text_offset: [0],
  };
  const base = {
    id: 'cmpl-mock',
    object: 'text_completion',
    created: 1_700_000_000,
    model: 'mock',
  };
  return (
    frame({ ...base, choices: [{ index: 0, text: ` ${letter}`, logprobs, finish_reason: null }] }) +
    frame({ ...base, choices: [{ index: 0, text: '', finish_reason: 'length' }] }) +
    frame({
      ...base,
      choices: [],
      usage: { prompt_tokens: 500, completion_tokens: 1, total_tokens: 501 },
    }) +
    'data: [DONE]\n\n'
  );
}

const latencyMs = Number(process.argv[2] ?? 0);

const server = http.createServer(async (request, response) => {
  let raw = '';
  for await (const chunk of request) raw += chunk;
  if (!request.url?.endsWith('/completions') || request.url.endsWith('/chat/completions')) {
    response.writeHead(404, { 'content-type': 'application/json' });
    return void response.end('{"error":{"message":"only /v1/completions here"}}');
  }
  const body = JSON.parse(raw) as { prompt: string };
  if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  response.end(reply(body.prompt));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
