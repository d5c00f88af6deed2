// The embedded engine as a provider: the model loads on first use so that the server
// starts at once and a model that is never asked for costs nothing.
import type { LlamaProviderConfig } from '../../config/schema.js';
import type {
  EngineMessage,
  EngineModel,
  GenerateOptions,
  LoadOptions,
} from '../../engine/types.js';
import { badRequest } from '../../lib/errors.js';
import {
  messageText,
  type ChatRequest,
  type CompletionRequest,
  type ContinuationScore,
  type GenerationRequest,
  type Provider,
  type ScoreRequest,
  type StreamPart,
} from './types.js';

/** Loads a GGUF file into the engine; injected so that tests and the CLI choose when. */
export type ModelLoader = (path: string, options: LoadOptions) => Promise<EngineModel>;

/** A provider serving one GGUF file on the embedded engine. */
export class LlamaProvider implements Provider {
  readonly type = 'llama';
  private loading?: Promise<EngineModel>;

  constructor(
    readonly name: string,
    private readonly config: LlamaProviderConfig,
    private readonly loader: ModelLoader,
    private readonly defaults: LoadOptions = {},
  ) {}

  /** The loaded model, loading it on first call. */
  model(): Promise<EngineModel> {
    this.loading ??= this.loader(this.config.model_path, {
      ...this.defaults,
      ...(this.config.context_size && { contextSize: this.config.context_size }),
      ...(this.config.sequences && { sequences: this.config.sequences }),
      ...(this.config.queue !== undefined && { maxQueue: this.config.queue }),
      ...(this.config.threads && { threads: this.config.threads }),
      ...(this.config.gpu !== undefined && { gpu: this.config.gpu }),
    });
    this.loading.catch(() => (this.loading = undefined)); // let a later request retry the load
    return this.loading;
  }

  async *chat(request: ChatRequest): AsyncIterable<StreamPart> {
    const messages: EngineMessage[] = request.messages.map((message) => ({
      role: message.role === 'developer' ? 'system' : message.role,
      content: messageText(message),
    }));
    const model = await this.model();
    yield* model.chat(messages, engineOptions(request));
  }

  async *complete(request: CompletionRequest): AsyncIterable<StreamPart> {
    const model = await this.model();
    yield* model.complete(request.prompt, engineOptions(request));
  }

  async scoreContinuations(request: ScoreRequest): Promise<ContinuationScore[]> {
    const model = await this.model();
    return model.scoreContinuations(request.prompt, request.continuations, {
      reusePrefix: request.reusePrefix,
      prefixLength: request.prefixLength,
      amongContinuations: request.amongContinuations,
      signal: request.signal,
    });
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (loading) await (await loading.catch(() => undefined))?.close();
  }
}

function engineOptions(request: GenerationRequest): GenerateOptions {
  const format = request.responseFormat;
  if (format?.type === 'json_schema' && !format.json_schema?.schema) {
    throw badRequest('response_format.json_schema.schema is required', 'response_format');
  }
  return {
    maxTokens: request.maxTokens,
    temperature: request.temperature,
    topP: request.topP,
    seed: request.seed,
    stop: request.stop,
    logprobs: request.logprobs,
    topLogprobs: request.topLogprobs,
    jsonSchema: format?.type === 'json_schema' ? format.json_schema.schema : undefined,
    jsonObject: format?.type === 'json_object',
    signal: request.signal,
  };
}
