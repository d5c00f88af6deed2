// A fast OpenAI-style upstream for bench/gateway, run as its own process so that it does not
// share an event loop with the load generator or the gateways:
//
//   node --import tsx bench/gateway/mock-upstream.ts   → prints {"port":N} on stdout
//
// POST …/chat/completions answers at once, with no artificial delay: a JSON chat.completion,
// or with `"stream": true` an SSE stream of a role chunk, a few content chunks, the finish chunk,
// the usage chunk (when `stream_options.include_usage`) and `[DONE]`. The bodies are built once;
// only the request's `model` is echoed, so what every gateway forwards is checked the same way.
import type http from 'node:http';
import { mockReplyPieces } from './mock-reply.js';
import { chunkFrame, completionBody, sendJson, serveMock, usageFrame } from './mock-server.js';

const id = 'chatcmpl-mock';

function streamFrames(model: string, includeUsage: boolean): string[] {
  const frames = [chunkFrame(id, model, { role: 'assistant', content: '' }, null)];
  for (const piece of mockReplyPieces) frames.push(chunkFrame(id, model, { content: piece }, null));
  frames.push(chunkFrame(id, model, {}, 'stop'));
  if (includeUsage) frames.push(usageFrame(id, model, mockReplyPieces.length));
  frames.push('data: [DONE]\n\n');
  return frames;
}

// Bodies per model name: the bench sends one or two names, so this stays tiny.
const jsonBodies = new Map<string, string>();
const sseBodies = new Map<string, string[]>();

function streamReply(response: http.ServerResponse, model: string, includeUsage: boolean): void {
  const key = `${includeUsage ? 'u' : '-'}${model}`;
  let frames = sseBodies.get(key);
  if (!frames) sseBodies.set(key, (frames = streamFrames(model, includeUsage)));
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  // One frame per write, as a real upstream sends them, but corked into one socket write:
  // the bench measures the gateways, not the mock's syscalls.
  response.cork();
  for (const text of frames) response.write(text);
  response.end();
  response.uncork();
}

const server = serveMock((response, body, model) => {
  if (body.stream === true) {
    return streamReply(response, model, body.stream_options?.include_usage === true);
  }
  let json = jsonBodies.get(model);
  if (!json) jsonBodies.set(model, (json = completionBody(id, model, mockReplyPieces.length)));
  sendJson(response, json);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
