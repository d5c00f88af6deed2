// The gateway's public surface: modules above the gateway (chat, evals, server, cli) import
// these, never a provider module.
export type {
  ChatMessage,
  ChatRequest,
  CompletionRequest,
  ContinuationScore,
  FinishReason,
  GenerationRequest,
  Provider,
  ScoreRequest,
  StreamPart,
  TokenLogprob,
  Usage,
} from './providers/types.js';
export { messageText } from './providers/types.js';
export type { Forwarded, StartedStream } from './gateway.js';
export type { Gateway } from './gateway.js';
export type { ModelRoute } from './model-catalog.js';
export { listUpstreamModels, maxListedModels } from './providers/openai-models.js';
export type {
  Endpoint,
  WireChunk,
  WireObject,
  WireRequest,
  WireResponse,
} from './providers/types.js';
export { parseChatBody, parseCompletionBody, parseForwardBody } from './wire/parse-request.js';
export {
  ChatChunkWriter,
  TextChunkWriter,
  doneFrame,
  legacyLogprobs,
  wireError,
  wireFinishReason,
  wireLogprobs,
  wireUsage,
} from './wire/openai-wire.js';
export { checkUpstreamUrl, upstreamUrlProblem } from './providers/check-upstream-url.js';
export type { UpstreamNetwork } from './providers/create-provider.js';
export type { Resolve } from './providers/resolve-host.js';
export { enteredAccess, type UpstreamAccess } from './providers/upstream-access.js';
// For other outbound calls to admin-configured URLs (single sign-on's identity providers).
export { createUpstreamAgent } from './providers/upstream-agent.js';
