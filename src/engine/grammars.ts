// Grammars that constrain output to JSON. Compiling a schema into a grammar costs far more than
// a token, so grammars are cached per schema; each generation gets its own evaluation state.
import type { Llama, LlamaGrammar } from 'node-llama-cpp';
import { badRequest } from '../lib/errors.js';
import type { GenerateOptions } from './types.js';

/** Schemas kept compiled; a client cycling through more only pays compilation again. */
const cachedSchemas = 32;

/** Compiled JSON grammars for one `Llama`. */
export class GrammarCache {
  private jsonObject?: Promise<LlamaGrammar>;
  private readonly schemas = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly llama: Llama) {}

  /** The grammar the options ask for, if any. */
  async forOptions(options: GenerateOptions): Promise<LlamaGrammar | undefined> {
    if (options.jsonSchema) return this.forSchema(options.jsonSchema);
    if (options.jsonObject) {
      this.jsonObject ??= this.llama.getGrammarFor('json');
      return this.jsonObject;
    }
    return undefined;
  }

  private forSchema(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.schemas.get(key);
    if (grammar) {
      // Refresh its place: Map iteration order makes the first key the least recently used.
      this.schemas.delete(key);
    } else {
      grammar = this.compile(schema);
      grammar.catch(() => this.schemas.delete(key));
      if (this.schemas.size >= cachedSchemas)
        this.schemas.delete(this.schemas.keys().next().value!);
    }
    this.schemas.set(key, grammar);
    return grammar;
  }

  private async compile(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    let grammar: LlamaGrammar;
    try {
      // The schema arrives untyped from clients; node-llama-cpp validates it at run time.
      grammar = await this.llama.createGrammarForJsonSchema(toGbnfSchema(schema) as never);
    } catch (error) {
      throw unsupportedSchema(error instanceof Error ? error.message : String(error));
    }
    // node-llama-cpp turns a schema it does not understand into `null` instead of failing.
    if (/^root ::= null-rule\b/.test(grammar.grammar) && schema.type !== 'null') {
      throw unsupportedSchema(
        'only `type`, `properties`, `items`, `enum`, `const`, `oneOf`/`anyOf` and `$ref` are supported',
      );
    }
    return grammar;
  }
}

/** node-llama-cpp spells JSON Schema's `anyOf` as `oneOf` (either one matches when generating). */
function toGbnfSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toGbnfSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    converted[key === 'anyOf' ? 'oneOf' : key] = toGbnfSchema(value);
  }
  return converted;
}

const unsupportedSchema = (reason: string) =>
  badRequest(`Unsupported JSON schema: ${reason}.`, 'response_format', 'invalid_json_schema');
