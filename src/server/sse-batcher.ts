// Coalesces SSE frames into fewer socket writes. On small, fast models a write per token is a
// large share of Salon's per-token cost (a syscall, chunked framing, and the client's read);
// holding frames for a few milliseconds keeps one event per token on the wire while paying
// for one write per batch. A frame waits only when another write went out less than
// `flushDelayMs` ago, and only until that write is `flushDelayMs` old: the first frame, and
// every frame of a slow stream (a hosted model's chunk every 50–100 ms), go out at the end of
// the event loop's turn (`setImmediate`), with the frames that came in the same turn: an
// upstream's read often brings several events, and a short stream then goes out in one write.
import type { ServerResponse } from 'node:http';
import { drainOrDrop } from './sse-response.js';

/** How long a frame may wait for company: far below what a reader can see (~16 ms a frame). */
const flushDelayMs = 5;
/** Flush early past this many characters, to bound memory per stream. */
const flushSize = 16 * 1024;

/** Batches frames written to one streaming response. */
export class SseBatcher {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private congested = false;
  /** When the last write went out (performance.now()). */
  private lastWriteAt = -Infinity;

  constructor(
    private readonly response: ServerResponse,
    /** How long a full socket may stay full before the client is dropped (sse-response.ts). */
    private readonly stallMs = 30_000,
  ) {}

  /**
   * Queues a frame. While the socket is full, returns a promise instead, which resolves when
   * the frame was queued and the caller may queue the next (it drops a client that reads
   * nothing for `stallMs`: `response.destroyed` then). No promise otherwise, so that a stream
   * pays for no await per frame.
   */
  push(frame: string): Promise<void> | undefined {
    if (this.congested) {
      return drainOrDrop(this.response, this.stallMs).then(() => {
        this.congested = false;
        this.queue(frame);
      });
    }
    this.queue(frame);
    return undefined;
  }

  private queue(frame: string): void {
    this.pending += frame;
    const sinceWrite = performance.now() - this.lastWriteAt;
    if (this.pending.length >= flushSize) this.flush();
    else if (sinceWrite >= flushDelayMs) this.immediate ??= setImmediate(() => this.flush());
    else this.timer ??= setTimeout(() => this.flush(), flushDelayMs - sinceWrite);
  }

  /** Writes what is pending now. */
  flush(): void {
    this.cancelScheduled();
    if (!this.pending || this.response.destroyed) return;
    this.congested = !this.response.write(this.pending);
    this.pending = '';
    this.lastWriteAt = performance.now();
  }

  /** Writes what is pending plus a last frame, and ends the response. */
  end(frame: string): void {
    this.pending += frame;
    this.cancelScheduled();
    if (!this.response.destroyed) this.response.end(this.pending);
    this.pending = '';
  }

  /** Drops anything pending (the client went away). */
  dispose(): void {
    this.cancelScheduled();
    this.pending = '';
  }

  private cancelScheduled(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}
