// The embedded engine: one GGUF model, one llama.cpp context split into sequences, each
// request generating on its own sequence so that concurrent requests share batches.
import { basename } from 'node:path';
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { badRequest } from '../lib/errors.js';
import { ChatTemplate } from './chat-prompt.js';
import { generateOnSequence, type GenerationPlan } from './generate.js';
import { GrammarCache } from './grammars.js';
import { importNodeLlamaCpp, sharedLlama, type NodeLlamaCppModule } from './native.js';
import { guardOutputReorder } from './output-reorder-guard.js';
import { PromptTokens } from './prompt-tokens.js';
import { scoreOnSequence, tokenizeContinuations } from './score-continuations.js';
import { SequencePool } from './sequence-pool.js';
import { chooseThreads } from './threads.js';
import { TokenPieces } from './token-pieces.js';
import type {
  ContinuationScore,
  EngineMessage,
  EngineModel,
  GenerateOptions,
  GenerationEvent,
  LoadOptions,
  ScoreOptions,
} from './types.js';

const defaultSequences = 4;
const defaultContextSize = 4096;
/** How long a request waits for a free sequence before a retryable 503. */
const defaultQueueTimeoutMs = 120_000;
/** How many requests may wait for a sequence before more are refused (503 engine_overloaded). */
const defaultMaxQueue = 16;

/** Loads a GGUF model into the embedded engine. */
export async function loadModel(
  modelPath: string,
  options: LoadOptions = {},
): Promise<EngineModel> {
  const nodeLlamaCpp = await importNodeLlamaCpp();
  const llama = await sharedLlama(options.gpu ?? 'auto');
  const model = await llama.loadModel({ modelPath });
  try {
    const context = await model.createContext({
      contextSize: options.contextSize ?? Math.min(model.trainContextSize, defaultContextSize),
      sequences: options.sequences ?? defaultSequences,
      threads: options.threads ?? chooseThreads(),
    });
    if (!guardOutputReorder(context) && context.totalSequences > 1) {
      console.warn(
        'salon: node-llama-cpp internals changed; concurrent sequences may mix their outputs ' +
          '(see src/engine/output-reorder-guard.ts).',
      );
    }
    return new LlamaEngineModel(
      nodeLlamaCpp,
      modelPath,
      model,
      context,
      new GrammarCache(llama),
      options,
    );
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

class LlamaEngineModel implements EngineModel {
  readonly id: string;
  readonly contextSize: number;
  readonly sequences: number;
  private readonly pool: SequencePool<LlamaContextSequence>;
  private readonly template: ChatTemplate;
  private readonly pieces: TokenPieces;
  private readonly promptTokens: PromptTokens;

  constructor(
    private readonly nodeLlamaCpp: NodeLlamaCppModule,
    readonly path: string,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly grammars: GrammarCache,
    options: LoadOptions,
  ) {
    this.id = basename(path, '.gguf');
    this.contextSize = context.contextSize;
    this.sequences = context.totalSequences;
    const sequences = Array.from({ length: this.sequences }, () => context.getSequence());
    this.pool = new SequencePool(
      sequences,
      options.queueTimeoutMs ?? defaultQueueTimeoutMs,
      options.maxQueue ?? defaultMaxQueue,
    );
    this.template = new ChatTemplate(nodeLlamaCpp, model);
    this.pieces = new TokenPieces(model);
    this.promptTokens = new PromptTokens(model);
  }

  get queueLength(): number {
    return this.pool.queueLength;
  }

  async *chat(
    messages: EngineMessage[],
    options: GenerateOptions = {},
  ): AsyncGenerator<GenerationEvent, void, undefined> {
    const prompt = this.template.render(messages);
    yield* this.generate(prompt.tokens, options, 'messages', prompt);
  }

  async *complete(
    prompt: string,
    options: GenerateOptions = {},
  ): AsyncGenerator<GenerationEvent, void, undefined> {
    // As llama.cpp's server: special-token text in a raw prompt is parsed (the caller writes
    // its own template), and BOS is prepended when the vocabulary asks for it.
    const tokens = this.model.tokenize(prompt, true);
    const bos = this.model.tokens.bos;
    if (bos !== null && this.model.tokens.shouldPrependBosToken && tokens[0] !== bos) {
      tokens.unshift(bos);
    }
    yield* this.generate(tokens, options, 'prompt');
  }

  async countTokens(text: string): Promise<number> {
    return this.model.tokenize(text).length;
  }

  async scoreContinuations(
    prompt: string,
    continuations: readonly string[],
    options: ScoreOptions = {},
  ): Promise<ContinuationScore[]> {
    const promptTokens = this.promptTokens.tokenize(prompt, options.prefixLength);
    const items = tokenizeContinuations(this.model, prompt, continuations, promptTokens);
    const longest = Math.max(0, ...items.map((item) => item.context.length + item.tokens.length));
    // As for generation: one cell spare so that node-llama-cpp never shifts context.
    if (longest > this.contextSize - 1) {
      throw badRequest(
        `The prompt is ${longest} tokens; this model's context holds ${this.contextSize}.`,
        'prompt',
        'context_length_exceeded',
      );
    }
    const sequence = await this.pool.acquire(items[0]?.context ?? [], options.signal);
    if (!sequence) throw options.signal?.reason ?? new DOMException('Aborted', 'AbortError');
    let failed = false;
    try {
      if (options.reusePrefix === false) await sequence.clearHistory();
      const { TokenBias } = this.nodeLlamaCpp;
      const biasFor = (tokens: readonly Token[], logit: number) => {
        const bias = new TokenBias(this.model.tokenizer);
        for (const token of tokens) bias.set(token, { logit });
        return bias;
      };
      return await scoreOnSequence(sequence, items, biasFor, {
        fullDistribution: options.fullDistribution,
        amongContinuations: options.amongContinuations,
      });
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // After an engine error the cached tokens may not match the KV cache: start afresh.
      if (failed) await sequence.clearHistory().catch(() => undefined);
      this.release(sequence);
    }
  }

  async close(): Promise<void> {
    this.pool.close();
    await this.context.dispose();
    await this.model.dispose();
  }

  private async *generate(
    prompt: Token[],
    options: GenerateOptions,
    param: string,
    stops: Pick<GenerationPlan, 'stopTokens' | 'stopStrings'> = {},
  ): AsyncGenerator<GenerationEvent, void, undefined> {
    if (prompt.length === 0) throw badRequest('The prompt is empty.', param);
    // One token of room at least, and one cell spare so that node-llama-cpp never shifts context.
    const room = this.contextSize - 1 - prompt.length;
    if (room < 1) {
      throw badRequest(
        `The prompt is ${prompt.length} tokens; this model's context holds ${this.contextSize}.`,
        param,
        'context_length_exceeded',
      );
    }
    const grammar = await this.grammars.forOptions(options);
    const sequence = await this.pool.acquire(prompt, options.signal);
    if (!sequence) {
      yield {
        type: 'finish',
        finishReason: 'abort',
        usage: { promptTokens: prompt.length, completionTokens: 0 },
      };
      return;
    }
    const { LlamaGrammarEvaluationState } = this.nodeLlamaCpp;
    const plan: GenerationPlan = {
      model: this.model,
      prompt,
      room,
      ...stops,
      grammar,
      grammarState: (grammar) => new LlamaGrammarEvaluationState({ model: this.model, grammar }),
      pieces: this.pieces,
    };
    yield* generateOnSequence(sequence, plan, options, () => this.release(sequence));
  }

  private release(sequence: LlamaContextSequence): void {
    if (!sequence.disposed) this.pool.release(sequence);
  }
}
