// Tokenizing prompts that start with a head shared by many of them (an MMLU subject's header
// and k shots): the head's tokens are kept and only the rest is tokenized per prompt. On the
// tiny model, tokenizing a 5-shot prompt whole takes ~3 ms, a third of what evaluating its
// question costs once the shots are cached.
import type { LlamaModel, Token } from 'node-llama-cpp';

/** What the cache needs of a model: its tokenizer and whether it wants a BOS token first. */
export type PromptTokenizingModel = Pick<LlamaModel, 'tokenize' | 'tokens'>;

interface Head {
  tokens: Token[];
  /** Whether head + rest tokenized apart equalled the whole prompt; undefined until checked. */
  splits?: boolean;
}

/** Heads kept: an MMLU run asks one subject at a time, so a handful would do. */
const defaultCapacity = 64;

/** Tokenizes prompts, reusing the tokens of heads seen before (least recently used dropped). */
export class PromptTokens {
  private readonly heads = new Map<string, Head>();

  constructor(
    private readonly model: PromptTokenizingModel,
    private readonly capacity = defaultCapacity,
  ) {}

  /**
   * The prompt's tokens, BOS first where the model wants one; special-token text is not
   * parsed. With `prefixLength`, the prompt's first `prefixLength` characters are a head other
   * prompts share: tokenized once, then only the rest is. The first prompt of each head is
   * tokenized whole as well and compared: a head whose split differs (a token spanning the
   * boundary) is never split again. The split is only tried where the rest starts with
   * something other than white space, as after an MMLU prefix's blank line; on Llama's
   * SentencePiece vocabulary and GPT-style pre-tokenizers no token spans a line break into
   * the next word, so one check per head stands for every prompt after it.
   */
  tokenize(prompt: string, prefixLength?: number): Token[] {
    if (
      prefixLength === undefined ||
      prefixLength <= 0 ||
      prefixLength >= prompt.length ||
      /\s/.test(prompt[prefixLength]!)
    ) {
      return this.whole(prompt);
    }
    const head = this.head(prompt.slice(0, prefixLength));
    if (head.splits === false) return this.whole(prompt);
    const rest = this.model.tokenize(prompt.slice(prefixLength), false, 'trimLeadingSpace');
    const split = [...head.tokens, ...rest];
    if (head.splits === undefined) {
      const whole = this.whole(prompt);
      head.splits = sameTokens(whole, split);
      return whole;
    }
    return split;
  }

  private head(text: string): Head {
    let head = this.heads.get(text);
    if (head) {
      this.heads.delete(text); // re-inserted last: the map's order is the recency order
    } else {
      head = { tokens: this.whole(text) };
      if (this.heads.size >= this.capacity) this.heads.delete(this.heads.keys().next().value!);
    }
    this.heads.set(text, head);
    return head;
  }

  private whole(text: string): Token[] {
    return withBos(this.model, this.model.tokenize(text));
  }
}

/** `tokens` with the model's BOS token first, where its vocabulary asks for one. */
export function withBos(model: PromptTokenizingModel, tokens: Token[]): Token[] {
  const bos = model.tokens.bos;
  return bos !== null && model.tokens.shouldPrependBosToken ? [bos, ...tokens] : tokens;
}

function sameTokens(a: readonly Token[], b: readonly Token[]): boolean {
  return a.length === b.length && a.every((token, index) => token === b[index]);
}
