// Command-line pieces every bench parses the same way: positive integers and the dialect list.
import type { DialectName } from '../src/store/store-dialect.js';

/**
 * `value` as an integer ≥ `min` (underscores allowed: `10_000_000`); throws naming `flag`,
 * followed by the bench's `usage` text, otherwise.
 */
export function positiveInteger(value: string, flag: string, usage: string, min = 1): number {
  const number = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(number) || number < min)
    throw new Error(`${flag}: '${value}' is not an integer ≥ ${min}\n${usage}`);
  return number;
}

/** `--dialects sqlite,postgres` as a list; throws naming the unknown one, then `usage`. */
export function parseDialects(list: string, usage: string): DialectName[] {
  return list.split(',').map((name) => {
    if (name !== 'sqlite' && name !== 'postgres') {
      throw new Error(`--dialects: unknown '${name}' (sqlite, postgres)\n${usage}`);
    }
    return name;
  });
}
