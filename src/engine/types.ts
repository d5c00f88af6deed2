// The embedded engine's surface, as the rest of Salon sees it. Nothing here imports
// node-llama-cpp: the engine loads it lazily so the CLI and most tests never do.

/** One chat turn, already flattened to text. */
export interface EngineMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

/** How to sample and when to stop. */
export interface GenerateOptions {
  /** Most tokens to generate; defaults to what fits in the sequence. */
  maxTokens?: number;
  /** Sampling temperature; 0 is greedy (default 0.8, as llama.cpp; top-k is fixed at 40). */
  temperature?: number;
  /** Nucleus sampling (default 0.95, as llama.cpp). */
  topP?: number;
  /** Makes sampling repeatable (default: random per request). */
  seed?: number;
  /** Strings that end the generation; they are not part of the output. */
  stop?: string[];
  /**
   * Return the log-probability of each generated token: of the distribution it was sampled
   * from, i.e. the model's own when greedy, after top-k/top-p/temperature otherwise.
   */
  logprobs?: boolean;
  /** How many alternatives per token to return with `logprobs` (0–20). */
  topLogprobs?: number;
  /** Constrain the output to JSON matching this JSON Schema (through a grammar). */
  jsonSchema?: Record<string, unknown>;
  /** Constrain the output to any JSON object. */
  jsonObject?: boolean;
  /** Aborting stops generation and frees the sequence. */
  signal?: AbortSignal;
}

/** One alternative token and its log-probability. */
export interface TopLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

/** The log-probability of one generated token, with its top alternatives. */
export interface TokenLogprob extends TopLogprob {
  topLogprobs: TopLogprob[];
}

/** Token counts, as the engine's tokenizer counts them. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** Why a generation ended. */
export type FinishReason = 'stop' | 'length' | 'abort';

/** What a generation yields: text as it comes, then exactly one `finish`. */
export type GenerationEvent =
  | { type: 'text-delta'; text: string; logprobs?: TokenLogprob[] }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage };

/** How likely a continuation is after a prompt. */
export interface ContinuationScore {
  /** Sum of the log-probabilities of the continuation's tokens (natural log). */
  logprob: number;
  /** How many tokens the continuation took. */
  tokens: number;
  /** True when each of its tokens was the most likely next token. */
  greedy: boolean;
}

/** Options for scoring continuations. */
export interface ScoreOptions {
  /**
   * Reuse the tokens a sequence already holds when the prompt starts with them (default true);
   * false evaluates every prompt from scratch, as a baseline for benchmarks.
   */
  reusePrefix?: boolean;
  /**
   * The prompt's first N characters are shared by other prompts (an MMLU subject's header and
   * shots): their tokens are kept and reused, checked once against the whole prompt's.
   */
  prefixLength?: number;
  /**
   * Read every continuation from the whole next-token distribution (slow on a large
   * vocabulary); by default single-token ones come from a short exact readout.
   */
  fullDistribution?: boolean;
  /**
   * Only how the continuations compare matters (choosing among them): each score is the
   * continuation's log-probability given that one of them follows, i.e. a log-softmax over
   * the continuations, which orders them as the plain log-probabilities do. Single tokens are
   * then read in one evaluation, without normalizing over the vocabulary (which costs
   * node-llama-cpp a second evaluation and a sort of the vocabulary).
   */
  amongContinuations?: boolean;
  signal?: AbortSignal;
}

/** A loaded model with a context split into sequences, one per concurrent request. */
export interface EngineModel {
  /** The file name without `.gguf`. */
  readonly id: string;
  readonly path: string;
  /** Tokens per sequence. */
  readonly contextSize: number;
  /** How many requests can generate at once. */
  readonly sequences: number;
  /** Requests waiting for a free sequence right now (for backpressure). */
  readonly queueLength: number;
  /** Generate a reply to a conversation, through the model's own chat template. */
  chat(messages: EngineMessage[], options?: GenerateOptions): AsyncIterable<GenerationEvent>;
  /** Continue a raw prompt, without any chat template. */
  complete(prompt: string, options?: GenerateOptions): AsyncIterable<GenerationEvent>;
  /** Number of tokens the text encodes to. */
  countTokens(text: string): Promise<number>;
  /**
   * Log-likelihood of each continuation after a raw prompt (no chat template), the prompt
   * evaluated once. Fails with `context_length_exceeded` when prompt and continuation don't fit.
   */
  scoreContinuations(
    prompt: string,
    continuations: readonly string[],
    options?: ScoreOptions,
  ): Promise<ContinuationScore[]>;
  /** Free the model and its context. */
  close(): Promise<void>;
}

/** How to load a model. */
export interface LoadOptions {
  /** Tokens per sequence (default: min(model's training context, 4096)). */
  contextSize?: number;
  /** Concurrent sequences (default 4). */
  sequences?: number;
  /** CPU threads (default: chosen from the real core count, see threads.ts). */
  threads?: number;
  /** 'auto' uses a GPU where one exists; false forces CPU. */
  gpu?: 'auto' | false;
  /** Most time a request waits for a free sequence before a retryable 503 (default 120 s). */
  queueTimeoutMs?: number;
  /** Most requests waiting for a sequence; one more gets a retryable 503 at once (default 16). */
  maxQueue?: number;
}
