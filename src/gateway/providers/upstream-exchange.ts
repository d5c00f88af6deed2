// One HTTP exchange with an upstream over undici's `dispatch`, with a handler of our own rather
// than undici's `request`: no Readable stream, no AsyncResource and no AbortSignal per request,
// which are a measurable share of the gateway's own CPU per request (bench/gateway). The body
// is read as whole text, or chunk by chunk with backpressure (undici pauses the socket while
// unread chunks pass `highWaterBytes`).
import type { Dispatcher } from 'undici';
import type { Cancellation } from '../../lib/cancellation.js';

/** What one exchange sends. */
export interface ExchangeOptions {
  origin: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds until the response headers (undici's headersTimeout). */
  headersTimeoutMs: number;
  /** Milliseconds between body chunks (undici's bodyTimeout). */
  bodyTimeoutMs: number;
  /** Aborts the exchange, before or after the headers, when it fires. */
  cancellation?: Cancellation;
}

/** An upstream's answer: its status and headers, and its body still to read. */
export interface UpstreamAnswer {
  readonly statusCode: number;
  /** A response header's value (the first, when repeated). */
  header(name: string): string | undefined;
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
  /** The next chunk of the body; undefined at its end. Rejects with the exchange's error. */
  read(): Promise<Buffer | undefined>;
  /** Aborts the exchange (reads then reject with `error`); nothing once it has ended. */
  destroy(error?: Error): void;
}

// Unread bytes past which the socket is paused until the reader catches up.
const highWaterBytes = 64 * 1024;

/** Sends the request; resolves with the answer once its headers have come. */
export function exchange(
  dispatcher: Dispatcher,
  options: ExchangeOptions,
): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const handler = new ExchangeHandler(options.cancellation, resolve, reject);
    dispatcher.dispatch(
      {
        origin: options.origin,
        path: options.path,
        method: 'POST',
        headers: options.headers,
        body: options.body,
        headersTimeout: options.headersTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs,
      },
      handler,
    );
  });
}

type Waiter = { resolve: (chunk: Buffer | undefined) => void; reject: (error: unknown) => void };

/** undici's (legacy, native) handler interface, answering as an `UpstreamAnswer`. */
class ExchangeHandler implements UpstreamAnswer {
  statusCode = 0;
  #rawHeaders: Buffer[] = [];
  #abort?: (reason?: Error) => void;
  #resume?: () => void;
  #paused = false;
  #chunks: Buffer[] = [];
  #queuedBytes = 0;
  #ended = false;
  #error: unknown;
  #waiter?: Waiter;
  #answered = false;
  #onCancel?: () => void;

  constructor(
    private readonly cancellation: Cancellation | undefined,
    private readonly answer: (answer: UpstreamAnswer) => void,
    private readonly fail: (error: unknown) => void,
  ) {}

  onConnect(abort: (reason?: Error) => void): void {
    this.#abort = abort;
    const cancellation = this.cancellation;
    if (!cancellation) return;
    if (cancellation.aborted) return abort(cancellation.reason as Error);
    if (this.#onCancel) return;
    this.#onCancel = () => this.destroy(cancellation.reason as Error);
    cancellation.addEventListener('abort', this.#onCancel);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.statusCode = statusCode;
    this.#rawHeaders = rawHeaders;
    this.#resume = resume;
    if (statusCode < 200) return true; // 1xx: the answer is still to come
    this.#answered = true;
    this.answer(this);
    return !this.#paused;
  }

  onData(chunk: Buffer): boolean {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve(chunk);
      return true;
    }
    this.#chunks.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes > highWaterBytes) this.#paused = true;
    return !this.#paused;
  }

  onComplete(): void {
    this.#ended = true;
    this.#stopListening();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve(undefined);
  }

  onError(error: unknown): void {
    this.#ended = true;
    this.#stopListening();
    if (!this.#answered) {
      this.#answered = true;
      this.fail(error);
      return;
    }
    // What arrived before the failure is still read first (a reply cut off mid-stream keeps all
    // the text that came); the error is thrown once the queue is empty.
    this.#error = error;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }

  header(name: string): string | undefined {
    const headers = this.#rawHeaders;
    for (let index = 0; index + 1 < headers.length; index += 2) {
      if (headers[index]!.toString('latin1').toLowerCase() === name) {
        return headers[index + 1]!.toString('latin1');
      }
    }
    return undefined;
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for (let chunk = await this.read(); chunk; chunk = await this.read()) chunks.push(chunk);
    return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString();
  }

  read(): Promise<Buffer | undefined> {
    const chunk = this.#chunks.shift();
    if (chunk) {
      this.#queuedBytes -= chunk.length;
      if (this.#paused && this.#queuedBytes <= highWaterBytes / 2) {
        this.#paused = false;
        this.#resume?.();
      }
      return Promise.resolve(chunk);
    }
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      if (this.#paused) {
        this.#paused = false;
        this.#resume?.();
      }
    });
  }

  destroy(error: Error = new Error('the upstream exchange was aborted')): void {
    if (this.#ended) return;
    this.#abort?.(error);
  }

  #stopListening(): void {
    if (this.#onCancel) this.cancellation?.removeEventListener('abort', this.#onCancel);
    this.#onCancel = undefined;
  }
}
