// Turns generated tokens into text one token at a time without splitting a character: a token
// may carry only some bytes of a UTF-8 character (byte-fallback tokens), which decode to U+FFFD
// until the rest arrives, so such tokens are held back until the character completes.
import type { Token } from 'node-llama-cpp';

/** `LlamaModel.detokenize`'s shape: the last tokens let it render leading spaces correctly. */
export type Detokenize = (
  tokens: readonly Token[],
  specialTokens?: boolean,
  lastTokens?: readonly Token[],
) => string;

/** Longest UTF-8 character, in bytes: holding more tokens than this cannot complete one. */
const maxHeldTokens = 4;
/** Tokens of context the detokenizer needs for spacing (node-llama-cpp uses 3). */
const contextTokens = 3;
const replacementCharacter = '\uFFFD';

/** Decodes a stream of tokens into text deltas. */
export class IncrementalDetokenizer {
  private readonly pending: Token[] = [];
  private readonly context: Token[];

  constructor(
    private readonly detokenize: Detokenize,
    /** The tokens before the first generated one (the prompt's tail). */
    precedingTokens: readonly Token[],
  ) {
    this.context = precedingTokens.slice(-contextTokens);
  }

  /** Adds a token; returns the text it completes ('' while a character is incomplete). */
  push(token: Token): string {
    this.pending.push(token);
    const text = this.detokenize(this.pending, false, this.context);
    if (text.endsWith(replacementCharacter) && this.pending.length < maxHeldTokens) return '';
    this.commit();
    return text;
  }

  /** Text of the tokens still held, at the end of the generation. */
  flush(): string {
    if (this.pending.length === 0) return '';
    const text = this.detokenize(this.pending, false, this.context);
    this.commit();
    return text;
  }

  private commit(): void {
    for (const token of this.pending) this.context.push(token);
    if (this.context.length > contextTokens) {
      this.context.splice(0, this.context.length - contextTokens);
    }
    this.pending.length = 0;
  }
}
