// The gateway: resolves a model name to its targets and streams from the first that
// answers. A target that fails before its first part is skipped for the next one, then for
// the model's fallbacks; once a part has been delivered the stream is committed to it.
import { isSalonError, modelNotFound, SalonError } from '../lib/errors.js';
import type { ProviderConfig } from '../config/schema.js';
import {
  defaultAlias,
  type LocalModelFile,
  type ModelCatalog,
  type ModelRoute,
} from './model-catalog.js';
import { createProvider, type ProviderDependencies } from './providers/create-provider.js';
import type { ChatRequest, CompletionRequest, Provider, StreamPart } from './providers/types.js';

/** A stream that has produced its first part, and the target that produced it. */
export interface StartedStream {
  /** The route that was asked for. */
  model: string;
  /** `provider` or `provider/model` of the target that answered. */
  target: string;
  parts: AsyncIterable<StreamPart>;
}

type Operation<R> = (provider: Provider, request: R) => AsyncIterable<StreamPart> | undefined;

/** Routes chat and text completions over the configured providers. */
export class Gateway {
  private readonly providers = new Map<string, Provider>();
  private readonly routes = new Map<string, ModelRoute>();
  /** Providers added by `addProvider`, with the route names each added (its alias included). */
  private readonly added = new Map<string, string[]>();

  constructor(
    catalog: ModelCatalog,
    private readonly dependencies: ProviderDependencies,
  ) {
    for (const [name, config] of Object.entries(catalog.providers)) {
      this.providers.set(name, createProvider(name, config, dependencies));
    }
    for (const route of catalog.routes) this.routes.set(route.name, route);
  }

  /** The model names clients can use, aliases first. */
  listModels(): ModelRoute[] {
    return [...this.routes.values()].sort((a, b) => Number(!a.aliasOf) - Number(!b.aliasOf));
  }

  /**
   * Serves a GGUF file that appeared after start (a finished pull) under its id, and as
   * `small` when no model has that name yet, as at start. False when the id is already taken:
   * config and earlier files win, as in `buildCatalog`.
   */
  addLocalModel(file: LocalModelFile): boolean {
    if (this.routes.has(file.id)) return false;
    const providerName = this.providers.has(file.id) ? `file:${file.id}` : file.id;
    if (this.providers.has(providerName)) return false;
    const config = { type: 'llama' as const, model_path: file.path };
    this.providers.set(providerName, createProvider(providerName, config, this.dependencies));
    const route: ModelRoute = {
      name: file.id,
      targets: [{ provider: providerName }],
      fallbacks: [],
    };
    this.routes.set(file.id, route);
    if (!this.routes.has(defaultAlias)) {
      this.routes.set(defaultAlias, { ...route, name: defaultAlias, aliasOf: file.id });
    }
    return true;
  }

  /**
   * Serves a provider added at run time (connected from the web UI) and returns the model names
   * clients use for it. Each upstream model is served under its own name, or `provider/model`
   * when that is taken (config, files and earlier providers win), or not at all when both are.
   * The first becomes `small` when no model has that name. 409 when the provider name is taken.
   */
  addProvider(name: string, config: ProviderConfig, modelNames: readonly string[]): string[] {
    if (this.providers.has(name)) {
      throw new SalonError('conflict', `A provider named '${name}' already exists.`, {
        status: 409,
        type: 'invalid_request_error',
        param: 'name',
      });
    }
    this.providers.set(name, createProvider(name, config, this.dependencies));
    const names: string[] = [];
    for (const model of new Set(modelNames)) {
      const routeName = [model, `${name}/${model}`].find(
        (candidate) => !this.routes.has(candidate),
      );
      if (!routeName) continue;
      this.routes.set(routeName, {
        name: routeName,
        targets: [{ provider: name, model }],
        fallbacks: [],
      });
      names.push(routeName);
    }
    const owned = [...names];
    const first = names[0] === undefined ? undefined : this.routes.get(names[0]);
    if (first && !this.routes.has(defaultAlias)) {
      this.routes.set(defaultAlias, { ...first, name: defaultAlias, aliasOf: first.name });
      owned.push(defaultAlias);
    }
    this.added.set(name, owned);
    return names;
  }

  /** The model names (aliases excluded) a provider added by `addProvider` serves. */
  addedRoutes(name: string): string[] {
    return (this.added.get(name) ?? []).filter((routeName) => !this.routes.get(routeName)?.aliasOf);
  }

  /**
   * Stops serving a provider added by `addProvider`: its routes (and `small` when it pointed at
   * one of them) disappear at once; requests already streaming finish. False for any other name.
   */
  async removeProvider(name: string): Promise<boolean> {
    const names = this.added.get(name);
    const provider = this.providers.get(name);
    if (!names || !provider) return false;
    for (const routeName of names) this.routes.delete(routeName);
    this.added.delete(name);
    this.providers.delete(name);
    await provider.close();
    return true;
  }

  /** True when no model is configured or found. */
  get isEmpty(): boolean {
    return this.routes.size === 0;
  }

  /** A provider by name, for callers that need engine-level access (e.g. evaluation). */
  provider(name: string): Provider | undefined {
    return this.providers.get(name);
  }

  /** Starts a chat completion on `model`, failing over before the first part. */
  chat(model: string, request: ChatRequest): Promise<StartedStream> {
    return this.start(model, request, (provider, r) => provider.chat(r));
  }

  /** Starts a raw text completion on `model`. */
  complete(model: string, request: CompletionRequest): Promise<StartedStream> {
    return this.start(model, request, (provider, r) => provider.complete?.(r));
  }

  /** Frees every provider. */
  async close(): Promise<void> {
    await Promise.all([...this.providers.values()].map((provider) => provider.close()));
  }

  private async start<R extends ChatRequest | CompletionRequest>(
    model: string,
    request: R,
    operation: Operation<R>,
  ): Promise<StartedStream> {
    const route = this.routes.get(model);
    if (!route) throw modelNotFound(model);
    let lastError: unknown;
    for (const candidate of this.candidates(route)) {
      const provider = this.providers.get(candidate.provider)!;
      const stream = operation(provider, { ...request, model: candidate.model });
      if (!stream) continue;
      const iterator = stream[Symbol.asyncIterator]();
      try {
        const first = await iterator.next();
        const target = candidate.model
          ? `${candidate.provider}/${candidate.model}`
          : candidate.provider;
        return { model, target, parts: resume(first, iterator) };
      } catch (error) {
        lastError = error;
        if (request.signal?.aborted || !isSalonError(error) || !error.isRetryable) throw error;
      }
    }
    throw lastError ?? modelNotFound(model);
  }

  /** The route's targets, then each fallback's, each model visited once. */
  private *candidates(
    route: ModelRoute,
    seen = new Set<string>(),
  ): Generator<{ provider: string; model?: string }> {
    if (seen.has(route.name)) return;
    seen.add(route.name);
    yield* route.targets;
    for (const name of route.fallbacks) {
      const fallback = this.routes.get(name);
      if (fallback) yield* this.candidates(fallback, seen);
    }
  }
}

async function* resume(
  first: IteratorResult<StreamPart>,
  iterator: AsyncIterator<StreamPart>,
): AsyncGenerator<StreamPart> {
  try {
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}
