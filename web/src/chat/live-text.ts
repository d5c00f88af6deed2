// Streaming text arrives in many small deltas; re-rendering on each would stutter. Deltas are
// appended to a buffer and published to React at most once per animation frame.

/** A per-message text buffer that publishes snapshots once per frame. */
export class LiveTextBuffer {
  private readonly texts = new Map<string, string>();
  private frame: number | null = null;

  constructor(private readonly publish: (snapshot: ReadonlyMap<string, string>) => void) {}

  /** Starts (or restarts) a message's text. */
  start(messageId: string, text = ''): void {
    this.texts.set(messageId, text);
    this.schedule();
  }

  /** Appends a delta; the screen catches up on the next frame. */
  append(messageId: string, delta: string): void {
    this.texts.set(messageId, (this.texts.get(messageId) ?? '') + delta);
    this.schedule();
  }

  /** The text received so far. */
  text(messageId: string): string | undefined {
    return this.texts.get(messageId);
  }

  /** Forgets a message (its final text now lives in the message itself). */
  delete(messageId: string): void {
    this.texts.delete(messageId);
    this.flush();
  }

  /** Forgets everything. */
  clear(): void {
    this.texts.clear();
    this.flush();
  }

  /** Publishes now (before a final state change, so nothing is lost). */
  flush(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.publish(new Map(this.texts));
  }

  private schedule(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.publish(new Map(this.texts));
    });
  }
}
