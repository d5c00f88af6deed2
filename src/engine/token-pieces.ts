// The exact bytes of single tokens, for logprobs. Detokenizing one token loses information (a
// byte-fallback token becomes U+FFFD, a leading space is stripped), so the bytes are read from
// the vocabulary in the GGUF file, per tokenizer kind, and cached per token.
import type { LlamaModel, Token } from 'node-llama-cpp';

/** A token's text (U+FFFD for an incomplete character) and its UTF-8 bytes. */
export interface TokenPiece {
  token: string;
  bytes: number[];
}

/** The vocabulary fields of GGUF metadata that this file reads. */
interface VocabularyMetadata {
  model?: string;
  tokens?: readonly string[];
  token_type?: readonly number[];
}

// llama.cpp's token types (llama_token_type in llama.h).
const controlType = 3;
const userDefinedType = 4;
const byteType = 6;
const byteToken = /^<0x([0-9A-Fa-f]{2})>$/;
const spmSpace = /\u2581/g;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Byte pieces of a model's tokens, computed on first use. */
export class TokenPieces {
  private readonly cache = new Map<Token, TokenPiece>();
  private readonly vocabulary: VocabularyMetadata;
  private gpt2Bytes?: Map<string, number>;

  constructor(private readonly model: LlamaModel) {
    const tokenizer = model.fileInfo.metadata.tokenizer as
      { ggml?: VocabularyMetadata } | undefined;
    this.vocabulary = tokenizer?.ggml ?? {};
  }

  /** The piece for one token. */
  get(token: Token): TokenPiece {
    let piece = this.cache.get(token);
    if (!piece) {
      const bytes = this.bytesOf(token);
      piece = { token: decoder.decode(new Uint8Array(bytes)), bytes };
      this.cache.set(token, piece);
    }
    return piece;
  }

  private bytesOf(token: Token): number[] {
    const text = this.vocabulary.tokens?.[token];
    const type = this.vocabulary.token_type?.[token];
    if (text === undefined) return [...encoder.encode(this.model.detokenize([token], true))];
    if (type === controlType || type === userDefinedType) return [...encoder.encode(text)];
    switch (this.vocabulary.model) {
      case 'llama': {
        const byte = type === byteType ? byteToken.exec(text) : null;
        if (byte) return [Number.parseInt(byte[1]!, 16)];
        return [...encoder.encode(text.replace(spmSpace, ' '))];
      }
      case 'gpt2':
        return this.decodeByteLevel(text);
      default:
        return [...encoder.encode(this.model.detokenize([token], true))];
    }
  }

  /** GPT-2 byte-level BPE stores each byte as a printable character; map them back. */
  private decodeByteLevel(text: string): number[] {
    this.gpt2Bytes ??= byteLevelDecoder();
    const bytes: number[] = [];
    for (const character of text) {
      const byte = this.gpt2Bytes.get(character);
      if (byte === undefined) bytes.push(...encoder.encode(character));
      else bytes.push(byte);
    }
    return bytes;
  }
}

/** The inverse of GPT-2's `bytes_to_unicode`. */
function byteLevelDecoder(): Map<string, number> {
  const map = new Map<string, number>();
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable =
      (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    map.set(String.fromCodePoint(printable ? byte : 256 + shifted++), byte);
  }
  return map;
}
