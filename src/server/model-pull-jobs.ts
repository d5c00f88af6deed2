// Model downloads started from the web UI. A pull outlives the request that started it, so it
// is a job here that any number of progress streams follow. Jobs live in this process: the
// file lands in this replica's data dir and this replica's gateway serves it once complete.
import { EventEmitter } from 'node:events';
import { findCatalogEntry } from '../engine/catalog.js';
import { pullModel } from '../engine/pull.js';
import { fileId, type LocalModelFile } from '../gateway/model-catalog.js';
import { badRequest } from '../lib/errors.js';
import { newId } from '../lib/ids.js';

/** Where a job stands; `update` is emitted on the job at each change. */
export interface PullJobState {
  status: 'running' | 'done' | 'error';
  bytes: number;
  totalBytes: number | null;
  /** The name the model is served under, once done. */
  modelId?: string;
  error?: string;
}

/** One download and its latest state. */
export class PullJob extends EventEmitter<{ update: [PullJobState] }> {
  state: PullJobState = { status: 'running', bytes: 0, totalBytes: null };

  constructor(
    readonly id: string,
    readonly catalogId: string,
  ) {
    super();
  }

  /** Merges `change` into the state and tells the followers. */
  update(change: Partial<PullJobState>): void {
    this.state = { ...this.state, ...change };
    this.emit('update', this.state);
  }
}

/** What the jobs need from the server. */
export interface PullJobOptions {
  modelsDir: string;
  /** Called with each installed file, to serve it. */
  onInstalled(file: LocalModelFile): void;
  /** Where SALON_HF_ENDPOINT and HF_TOKEN are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

// A late follower still learns how a job ended, for this long.
const keepFinishedMs = 10 * 60_000;
// Progress arrives per network chunk; followers need a few updates a second at most.
const progressIntervalMs = 250;

/** The pull jobs of one server. */
export class PullJobs {
  readonly #jobs = new Map<string, PullJob>();
  readonly #abort = new AbortController();

  constructor(private readonly options: PullJobOptions) {}

  /** Starts pulling a catalog model, or returns the job already pulling it. */
  start(catalogId: string): PullJob {
    if (!findCatalogEntry(catalogId)) {
      throw badRequest(`'${catalogId}' is not in the model catalog.`, 'id', 'unknown_model');
    }
    for (const job of this.#jobs.values()) {
      if (job.catalogId === catalogId && job.state.status === 'running') return job;
    }
    const job = new PullJob(newId('pull'), catalogId);
    this.#jobs.set(job.id, job);
    void this.#run(job);
    return job;
  }

  /** The job with this id, while it is kept. */
  get(id: string): PullJob | undefined {
    return this.#jobs.get(id);
  }

  /** Stops every running download; partial files stay for a later resume. */
  close(): void {
    this.#abort.abort(new Error('the server is stopping'));
  }

  async #run(job: PullJob): Promise<void> {
    let lastSent = 0;
    try {
      const result = await pullModel({
        spec: job.catalogId,
        modelsDir: this.options.modelsDir,
        env: this.options.env,
        signal: this.#abort.signal,
        onProgress: ({ phase, bytes, totalBytes }) => {
          const now = Date.now();
          if (phase !== 'download' || now - lastSent < progressIntervalMs) return;
          lastSent = now;
          job.update({ bytes, totalBytes });
        },
      });
      const modelId = fileId(result.path);
      this.options.onInstalled({ id: modelId, path: result.path });
      job.update({ status: 'done', bytes: result.bytes, totalBytes: result.bytes, modelId });
    } catch (error) {
      job.update({
        status: 'error',
        error: error instanceof Error ? error.message : String(error),
      });
    }
    setTimeout(() => this.#jobs.delete(job.id), keepFinishedMs).unref();
  }
}
