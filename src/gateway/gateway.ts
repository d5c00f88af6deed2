// The gateway: resolves a model name to its targets and streams from the first that
// answers. A target that fails before its first part is skipped for the next one, then for
// the model's fallbacks; once a part has been delivered the stream is committed to it.
import { isDeepStrictEqual } from 'node:util';
import type { Cancellation } from '../lib/cancellation.js';
import { modelNotFound, SalonError } from '../lib/errors.js';
import {
  emptyConfig,
  type PriceConfig,
  type ProviderConfig,
  type RouterConfig,
  type TargetConfig,
} from '../config/schema.js';
import {
  defaultAlias,
  type LocalModelFile,
  type ModelCatalog,
  type ModelRoute,
} from './model-catalog.js';
import { UpstreamAllowList } from '../lib/upstream-allow-list.js';
import {
  createProvider,
  type ProviderDependencies,
  type UpstreamNetwork,
} from './providers/create-provider.js';
import type {
  ChatRequest,
  CompletionRequest,
  Provider,
  StreamPart,
  WireRequest,
  WireResponse,
} from './providers/types.js';
import type { Attempt } from './router/attempt-plan.js';
import { Router, type RouterSnapshot } from './router/router.js';
import { trackStarted } from './router/track-stream.js';
import { forwardTyped } from './wire/typed-forward.js';

/** A stream that has produced its first part, and the target that produced it. */
export interface StartedStream {
  /** The route that was asked for. */
  model: string;
  /** `provider` or `provider/model` of the target that answered. */
  target: string;
  /** The target's price, for metering. */
  price?: PriceConfig;
  parts: AsyncIterable<StreamPart>;
}

/** What a reload changed, by provider name. */
export interface ReloadSummary {
  added: string[];
  changed: string[];
  removed: string[];
}

/** A forwarded request that the upstream has begun to answer, and who answered. */
export interface Forwarded {
  /** The route that was asked for. */
  model: string;
  /** `provider` or `provider/model` of the target that answered. */
  target: string;
  /** The target's price, for metering. */
  price?: PriceConfig;
  response: WireResponse;
}

/** How an attempt's response went, reported to the router (see `Attempt`). */
type AttemptOutcome = Pick<
  Attempt<TargetConfig, unknown>,
  'answered' | 'firstToken' | 'succeeded' | 'failed' | 'released'
>;

type Operation<R> = (provider: Provider, request: R) => AsyncIterable<StreamPart> | undefined;

/** Routes chat and text completions over the configured providers. */
export class Gateway {
  private readonly providers = new Map<string, Provider>();
  private readonly routes = new Map<string, ModelRoute>();
  /** Each provider's config, to tell on reload which ones changed. */
  private readonly configs = new Map<string, ProviderConfig>();
  /** Providers added by `addProvider`, with the route names each added (its alias included). */
  private readonly added = new Map<string, string[]>();
  /** Requests each provider is serving, and who waits for it to have none. */
  private readonly busy = new Map<Provider, { count: number; idle: Array<() => void> }>();
  /** What `addProvider` was given, to serve those providers again after a reload. */
  private readonly connected = new Map<string, { config: ProviderConfig; models: string[] }>();

  private router: Router;
  private routerConfig: RouterConfig;
  private readonly dependencies: ProviderDependencies & { upstreams: UpstreamNetwork };

  constructor(
    catalog: ModelCatalog,
    dependencies: ProviderDependencies,
    routerConfig: RouterConfig = emptyConfig().router,
  ) {
    this.dependencies = {
      ...dependencies,
      upstreams: dependencies.upstreams ?? { allowList: new UpstreamAllowList() },
    };
    this.routerConfig = routerConfig;
    this.router = new Router(routerConfig);
    this.serveCatalog(catalog, new Map());
  }

  /**
   * The operator's allow-list (`security.upstream_allow`) and the resolver, for the other
   * outbound calls to URLs admins enter (connecting a provider, single sign-on).
   */
  get upstreams(): UpstreamNetwork {
    return this.dependencies.upstreams;
  }

  /** Every target's health (breaker, in flight, latency), for the admin API. */
  health(): RouterSnapshot {
    return this.router.snapshot();
  }

  /**
   * Serves a new catalog (salon.yaml and the model files, read again) without a restart.
   * Providers whose config is unchanged are kept as they are (a loaded model stays loaded);
   * the others are replaced, and the replaced ones closed once their requests have finished.
   * Providers connected from the web UI stay, unless salon.yaml now uses their name; a new
   * `upstreamAllow` applies to every later connection, theirs rebuilt so none stays pooled.
   */
  reload(
    catalog: ModelCatalog,
    routerConfig = this.routerConfig,
    upstreamAllow?: readonly string[],
  ): ReloadSummary {
    const allowChanged =
      upstreamAllow !== undefined && this.dependencies.upstreams.allowList.replace(upstreamAllow);
    if (!isDeepStrictEqual(routerConfig, this.routerConfig)) {
      // New retry and breaker settings start from a clean slate of target health.
      this.routerConfig = routerConfig;
      this.router = new Router(routerConfig);
    }
    const previous = new Map(this.providers);
    const previousConfigs = new Map(this.configs);
    const connected = [...this.connected];
    this.providers.clear();
    this.configs.clear();
    this.routes.clear();
    this.added.clear();
    this.connected.clear();
    const reused = new Map<string, Provider>();
    for (const [name, config] of Object.entries(catalog.providers)) {
      const old = previous.get(name);
      if (old && isDeepStrictEqual(previousConfigs.get(name), config)) reused.set(name, old);
    }
    this.serveCatalog(catalog, reused);
    for (const [name, { config, models }] of connected) {
      if (this.providers.has(name)) continue; // salon.yaml took the name
      this.addProvider(name, config, models, allowChanged ? undefined : previous.get(name));
    }
    const summary: ReloadSummary = { added: [], changed: [], removed: [] };
    for (const name of this.providers.keys()) {
      if (!previous.has(name)) summary.added.push(name);
      else if (previous.get(name) !== this.providers.get(name)) summary.changed.push(name);
    }
    for (const [name, provider] of previous) {
      if (!this.providers.has(name)) summary.removed.push(name);
      if (this.providers.get(name) !== provider) {
        this.router.forgetProvider(name);
        this.retire(provider);
      }
    }
    return summary;
  }

  /** The route clients reach under `name`, if any. */
  modelRoute(name: string): ModelRoute | undefined {
    return this.routes.get(name);
  }

  /** A served provider's config (secrets included: callers must redact). */
  providerConfig(name: string): ProviderConfig | undefined {
    return this.configs.get(name);
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
    this.configs.set(providerName, config);
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
   * It reaches loopback and private addresses only where `security.upstream_allow` says.
   */
  addProvider(
    name: string,
    config: ProviderConfig,
    modelNames: readonly string[],
    /** The provider already built for this config (a reload keeps it). */
    existing?: Provider,
  ): string[] {
    if (this.providers.has(name)) {
      throw new SalonError('conflict', `A provider named '${name}' already exists.`, {
        status: 409,
        type: 'invalid_request_error',
        param: 'name',
      });
    }
    this.providers.set(
      name,
      existing ?? createProvider(name, config, this.dependencies, 'entered'),
    );
    this.configs.set(name, config);
    this.connected.set(name, { config, models: [...modelNames] });
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
    this.connected.delete(name);
    this.configs.delete(name);
    this.providers.delete(name);
    this.router.forgetProvider(name);
    await provider.close();
    return true;
  }

  /** Every provider served now, with its config (secrets included: callers must redact). */
  listProviders(): Array<{ name: string; config: ProviderConfig; connected: boolean }> {
    return [...this.configs].map(([name, config]) => ({
      name,
      config,
      connected: this.connected.has(name),
    }));
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
    return this.startParts(model, request, (provider, r) => provider.chat(r));
  }

  /** Starts a raw text completion on `model`. */
  complete(model: string, request: CompletionRequest): Promise<StartedStream> {
    return this.startParts(model, request, (provider, r) => provider.complete?.(r));
  }

  /**
   * Forwards a request in OpenAI's wire format to `model`'s targets, as the client sent it
   * apart from `model`. Resolves once the upstream has answered (for a stream, with its first
   * event): until then a failed target is replaced by the next.
   */
  async forward(model: string, request: WireRequest): Promise<Forwarded> {
    const routed = await this.route(model, request.signal, async (provider, target, outcome) => {
      const body = { ...request.body, model: target.model ?? model };
      const wire = { ...request, body };
      const response = provider.forward
        ? await provider.forward(wire)
        : await forwardTyped(provider, wire, model);
      if (response.kind === 'json') {
        outcome.answered();
        outcome.firstToken();
        outcome.succeeded();
        return response;
      }
      const iterator = response.chunks[Symbol.asyncIterator]();
      const first = await iterator.next();
      const chunks = trackStarted(first, iterator, outcome, (chunk) => chunk.content);
      return { kind: 'stream' as const, chunks };
    });
    return { model, target: routed.target, price: routed.price, response: routed.value };
  }

  /** Frees every provider. */
  async close(): Promise<void> {
    await Promise.all([...this.providers.values()].map((provider) => provider.close()));
  }

  private async startParts<R extends ChatRequest | CompletionRequest>(
    model: string,
    request: R,
    operation: Operation<R>,
  ): Promise<StartedStream> {
    const routed = await this.route(model, request.signal, async (provider, target, outcome) => {
      const stream = operation(provider, { ...request, model: target.model ?? model });
      if (!stream) throw unsupported(provider.name);
      const iterator = stream[Symbol.asyncIterator]();
      const first = await iterator.next();
      return trackStarted(first, iterator, outcome, (part) => part.type === 'text-delta');
    });
    return { model, target: routed.target, price: routed.price, parts: routed.value };
  }

  /**
   * Runs `attempt` on the targets the router plans for `model` (its targets, then its
   * fallbacks') until one answers. `attempt` resolves once the upstream has answered and
   * reports the rest of the response (to its end) on `outcome`.
   */
  private async route<T>(
    model: string,
    signal: Cancellation | undefined,
    attempt: (provider: Provider, target: TargetConfig, outcome: AttemptOutcome) => Promise<T>,
  ): Promise<{ target: string; price?: PriceConfig; value: T }> {
    const route = this.routes.get(model);
    if (!route) throw modelNotFound(model);
    // Without fallbacks the chain is the route alone: no generator and visited set per request.
    const chain = route.fallbacks.length === 0 ? [route] : [...this.chain(route)];
    const groups = chain.map((owner) => ({
      route: owner,
      targets: owner.targets,
      balance: owner.balance,
    }));
    let lastError: unknown;
    for await (const planned of this.router.attempts<TargetConfig, (typeof groups)[number]>(
      groups,
      signal,
    )) {
      const provider = this.providers.get(planned.target.provider);
      if (!provider) {
        planned.released(); // removed by a reload while this request was planned
        continue;
      }
      const outcome = this.occupy(provider, planned);
      try {
        const value = await attempt(provider, planned.target, outcome);
        outcome.answered();
        const price = planned.target.price ?? planned.group.route.price;
        return { target: planned.name, price, value };
      } catch (error) {
        lastError = error;
        if (!outcome.failed(error)) throw error;
      }
    }
    throw lastError ?? modelNotFound(model);
  }

  private serveCatalog(catalog: ModelCatalog, reuse: Map<string, Provider>): void {
    for (const [name, config] of Object.entries(catalog.providers)) {
      this.providers.set(name, reuse.get(name) ?? createProvider(name, config, this.dependencies));
      this.configs.set(name, config);
    }
    for (const route of catalog.routes) this.routes.set(route.name, route);
  }

  /** Counts a request on `provider` until the attempt's first outcome, which it passes on. */
  private occupy(provider: Provider, attempt: AttemptOutcome): AttemptOutcome {
    const state = this.busy.get(provider) ?? { count: 0, idle: [] };
    this.busy.set(provider, state);
    state.count += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      state.count -= 1;
      if (state.count > 0) return;
      this.busy.delete(provider);
      for (const wake of state.idle.splice(0)) wake();
    };
    return {
      answered: () => attempt.answered(),
      firstToken: () => attempt.firstToken(),
      succeeded: () => {
        attempt.succeeded();
        release();
      },
      failed: (error) => {
        const retry = attempt.failed(error);
        release();
        return retry;
      },
      released: () => {
        attempt.released();
        release();
      },
    };
  }

  /** Closes a provider that is no longer served, once its requests have finished. */
  private retire(provider: Provider): void {
    const state = this.busy.get(provider);
    if (!state) return void provider.close();
    state.idle.push(() => void provider.close());
  }

  /** The route, then each fallback's route, each model visited once. */
  private *chain(route: ModelRoute, seen = new Set<string>()): Generator<ModelRoute> {
    if (seen.has(route.name)) return;
    seen.add(route.name);
    yield route;
    for (const name of route.fallbacks) {
      const fallback = this.routes.get(name);
      if (fallback) yield* this.chain(fallback, seen);
    }
  }
}

/** A target that cannot serve this kind of request: the next one may. */
function unsupported(provider: string): SalonError {
  return new SalonError('unsupported', `provider '${provider}' cannot serve this request`, {
    status: 400,
    type: 'invalid_request_error',
    isRetryable: true,
  });
}
