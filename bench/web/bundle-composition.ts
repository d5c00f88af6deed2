// What a built chunk is made of: its bytes by package (or by the UI's own folder), read from
// the chunk's source map. Each mapping segment owns the generated text up to the next one.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { moduleName } from './cpu-profile.js';

/** Bytes of one chunk that came from one package or folder. */
export interface ChunkPart {
  name: string;
  bytes: number;
}

const base64 = new Map(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((char, index) => [
    char,
    index,
  ]),
);

/** Decodes one segment's base64 VLQ fields. */
function decodeSegment(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = base64.get(char)!;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return fields;
}

/** The parts of `assets/<file>` by package, largest first, from `<mapsDir>/assets/<file>.map`. */
export async function chunkComposition(mapsDir: string, file: string): Promise<ChunkPart[]> {
  const chunk = path.join(mapsDir, file);
  const [code, mapText] = await Promise.all([
    readFile(chunk, 'utf8'),
    // The bundler's own runtime chunk (rolldown-runtime-*.js) comes without a map.
    readFile(`${chunk}.map`, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    }),
  ]);
  if (mapText === undefined) return [{ name: '(bundler)', bytes: Buffer.byteLength(code) }];
  const map = JSON.parse(mapText) as { sources: string[]; mappings: string };
  const lines = code.split('\n');
  const totals = new Map<string, number>();
  const add = (name: string, bytes: number) => totals.set(name, (totals.get(name) ?? 0) + bytes);
  let source = 0;
  for (const [lineIndex, mappingLine] of map.mappings.split(';').entries()) {
    const line = lines[lineIndex] ?? '';
    let column = 0;
    // Columns restart on each line; the source index carries over.
    const segments = mappingLine
      .split(',')
      .filter(Boolean)
      .map((segment) => {
        const fields = decodeSegment(segment);
        column += fields[0]!;
        if (fields.length > 1) source += fields[1]!;
        return { column, source: fields.length > 1 ? source : undefined };
      });
    for (const [index, segment] of segments.entries()) {
      const end = segments[index + 1]?.column ?? line.length;
      const name =
        segment.source === undefined ? '(bundler)' : moduleName(map.sources[segment.source] ?? '');
      add(name, Buffer.byteLength(line.slice(segment.column, end)));
    }
  }
  return [...totals.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}
