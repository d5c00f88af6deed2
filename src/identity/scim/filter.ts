// SCIM filters (RFC 7644 §3.4.2.2), as far as identity providers use them: `eq` comparisons joined
// by `and`, on plain attributes (`userName eq "ada@example.com"`), sub-attributes
// (`emails.value eq …`) and value filters (`members[value eq "user-…"]`). Anything else is a 400
// `invalidFilter` naming what is missing, rather than a filter silently read as something else.
import { scimBadRequest } from './scim-error.js';

/** What a comparison compares with. */
export type FilterValue = string | boolean | null;

/** `path eq value`; `path` is lower-case with the core schema's URN removed (`emails.value`). */
export interface Comparison {
  path: string;
  value: FilterValue;
}

/** Where a PATCH operation points: `members[value eq "x"]`, `name.givenName`, `active`. */
export interface AttributePath {
  /** Lower-case top-level attribute, or the whole lower-cased URN of an extension attribute. */
  attribute: string;
  /** Lower-case sub-attribute after a dot (`givenname`), if any. */
  subAttribute: string | null;
  /** The value filter in brackets, its paths prefixed by the attribute (`members.value`). */
  filter: Comparison[] | null;
}

type Token =
  { kind: 'punct'; text: '(' | ')' | '[' | ']' } | { kind: 'word' | 'string'; text: string };

const coreSchemas = [
  'urn:ietf:params:scim:schemas:core:2.0:user:',
  'urn:ietf:params:scim:schemas:core:2.0:group:',
];
const operators = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);
const attributeShape = /^[a-z$][\w$-]*(\.[a-z$][\w$-]*)?$/i;
const invalid = (detail: string) => scimBadRequest('invalidFilter', detail);

/** Lower-cases an attribute path and strips the core User/Group schema URN from it. */
export function normalizeAttribute(text: string): string {
  const lower = text.trim().toLowerCase();
  const core = coreSchemas.find((schema) => lower.startsWith(schema));
  return core ? lower.slice(core.length) : lower;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (/\s/.test(char)) {
      index++;
    } else if (char === '(' || char === ')' || char === '[' || char === ']') {
      tokens.push({ kind: 'punct', text: char });
      index++;
    } else if (char === '"') {
      let end = index + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) throw invalid('A quoted value in the filter is not closed.');
      try {
        tokens.push({ kind: 'string', text: JSON.parse(text.slice(index, end + 1)) as string });
      } catch {
        throw invalid(`Bad escape in the filter value ${text.slice(index, end + 1)}.`);
      }
      index = end + 1;
    } else {
      let end = index;
      while (end < text.length && !/[\s()[\]"]/.test(text[end]!)) end++;
      tokens.push({ kind: 'word', text: text.slice(index, end) });
      index = end;
    }
  }
  return tokens;
}

class FilterParser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(prefix: string): Comparison[] {
    const comparisons = this.expression(prefix);
    const left = this.tokens[this.position];
    if (left) throw invalid(`Unexpected '${left.text}' in the filter.`);
    return comparisons;
  }

  private peekWord(): string | undefined {
    const token = this.tokens[this.position];
    return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
  }

  private expect(text: ')' | ']'): void {
    const token = this.tokens[this.position++];
    if (token?.kind !== 'punct' || token.text !== text)
      throw invalid(`Missing '${text}' in the filter.`);
  }

  private expression(prefix: string): Comparison[] {
    const comparisons = this.term(prefix);
    for (;;) {
      const word = this.peekWord();
      if (word === 'or') throw invalid("Filters with 'or' are not supported; use 'and'.");
      if (word !== 'and') return comparisons;
      this.position++;
      comparisons.push(...this.term(prefix));
    }
  }

  private term(prefix: string): Comparison[] {
    const token = this.tokens[this.position++];
    if (!token) throw invalid('The filter ends too early.');
    if (token.kind === 'punct' && token.text === '(') {
      const inner = this.expression(prefix);
      this.expect(')');
      return inner;
    }
    if (token.kind !== 'word') throw invalid(`Expected an attribute name, found '${token.text}'.`);
    if (token.text.toLowerCase() === 'not') throw invalid("Filters with 'not' are not supported.");
    const path = prefix + normalizeAttribute(token.text);
    if (!attributeShape.test(path)) throw invalid(`'${token.text}' is not an attribute name.`);
    const next = this.tokens[this.position];
    if (next?.kind === 'punct' && next.text === '[') {
      if (prefix) throw invalid('Value filters cannot be nested.');
      this.position++;
      const inner = this.expression(`${path}.`);
      this.expect(']');
      return inner;
    }
    const operator = this.peekWord();
    if (!operator || !operators.has(operator)) {
      throw invalid(`Expected an operator after '${token.text}'.`);
    }
    this.position++;
    if (operator !== 'eq') throw invalid(`The '${operator}' operator is not supported; use 'eq'.`);
    return [{ path, value: this.value() }];
  }

  private value(): FilterValue {
    const token = this.tokens[this.position++];
    if (token?.kind === 'string') return token.text;
    const word = token?.kind === 'word' ? token.text.toLowerCase() : undefined;
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    throw invalid('Expected a quoted value, true, false or null after eq.');
  }
}

/** Parses a `filter` query parameter into comparisons that must all hold. */
export function parseFilter(text: string, prefix = ''): Comparison[] {
  if (!text.trim()) throw invalid('The filter is empty.');
  return new FilterParser(tokenize(text)).parse(prefix);
}

/** Parses a PATCH `path` (RFC 7644 §3.5.2). */
export function parseAttributePath(text: string): AttributePath {
  const invalidPath = (detail: string) => scimBadRequest('invalidPath', detail);
  const trimmed = text.trim();
  const open = trimmed.indexOf('[');
  if (open >= 0) {
    const close = trimmed.lastIndexOf(']');
    const rest = trimmed.slice(close + 1);
    if (close < open || (rest && !/^\.[a-z$][\w$-]*$/i.test(rest))) {
      throw invalidPath(`'${text}' is not a valid attribute path.`);
    }
    const attribute = normalizeAttribute(trimmed.slice(0, open));
    if (!/^[a-z$][\w$-]*$/.test(attribute))
      throw invalidPath(`'${text}' is not a valid attribute path.`);
    return {
      attribute,
      subAttribute: rest ? rest.slice(1).toLowerCase() : null,
      filter: parseFilter(trimmed.slice(open + 1, close), `${attribute}.`),
    };
  }
  const name = normalizeAttribute(trimmed);
  // An extension attribute (`urn:…:enterprise:2.0:User:department`) keeps its whole URN.
  if (name.startsWith('urn:')) return { attribute: name, subAttribute: null, filter: null };
  if (!attributeShape.test(name)) throw invalidPath(`'${text}' is not a valid attribute path.`);
  const [attribute, subAttribute] = name.split('.') as [string, string | undefined];
  return { attribute, subAttribute: subAttribute ?? null, filter: null };
}
