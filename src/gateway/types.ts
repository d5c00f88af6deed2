// The gateway's public types: features above the gateway (chat, evals) import these, never
// a provider module.
export type {
  ChatMessage,
  ChatRequest,
  CompletionRequest,
  FinishReason,
  GenerationRequest,
  StreamPart,
  TokenLogprob,
  Usage,
} from './providers/types.js';
export { messageText } from './providers/types.js';
export type { StartedStream } from './gateway.js';
