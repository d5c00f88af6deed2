// Cuts generated text at the first stop string. Text that could still turn out to be the start
// of a stop string is held back until the next piece decides it, so a stop string never leaks
// out half-way. Offsets count UTF-16 units of the raw generated text.

/** Streams text through, holding back possible stop-string prefixes. */
export class StopMatcher {
  /** True once a stop string has been found; nothing more is emitted after it. */
  stopped = false;
  /** Length of the raw text emitted so far (the cut point, once stopped). */
  emitted = 0;
  private held = '';
  private readonly passThrough: boolean;

  constructor(
    private readonly stops: readonly string[],
    /** Hold trailing whitespace and drop it at the end (grammar output ends in padding). */
    private readonly trimTrailingWhitespace = false,
  ) {
    this.stops = stops.filter((stop) => stop.length > 0);
    this.passThrough = this.stops.length === 0 && !trimTrailingWhitespace;
  }

  /** Feeds the next raw text; returns what is now safe to emit. */
  push(text: string): string {
    if (this.stopped || text.length === 0) return '';
    if (this.passThrough) {
      this.emitted += text.length;
      return text;
    }
    const buffer = this.held + text;
    let cut = -1;
    for (const stop of this.stops) {
      const index = buffer.indexOf(stop);
      if (index >= 0 && (cut < 0 || index < cut)) cut = index;
    }
    if (cut >= 0) {
      this.stopped = true;
      this.held = '';
      return this.emit(buffer.slice(0, cut));
    }
    const keep = Math.max(this.stopPrefixLength(buffer), this.whitespaceSuffixLength(buffer));
    this.held = buffer.slice(buffer.length - keep);
    return this.emit(buffer.slice(0, buffer.length - keep));
  }

  /** Ends the stream without a stop string: returns the held text, trimmed if asked. */
  flush(): string {
    if (this.stopped) return '';
    const rest = this.trimTrailingWhitespace ? this.held.trimEnd() : this.held;
    this.held = '';
    return this.emit(rest);
  }

  private emit(text: string): string {
    this.emitted += text.length;
    return text;
  }

  /** Longest suffix of `buffer` that is a proper prefix of some stop string. */
  private stopPrefixLength(buffer: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, buffer.length); length > longest; length--) {
        if (buffer.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }

  private whitespaceSuffixLength(buffer: string): number {
    if (!this.trimTrailingWhitespace) return 0;
    return buffer.length - buffer.trimEnd().length;
  }
}
