// Writes gzip (.gz) and brotli (.br) twins of web/dist's text files, served by
// src/server/web-ui.ts (@fastify/static's preCompressed) to clients that accept them.
// Run by `npm run build:web` after `vite build`, which empties web/dist first.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const root = process.argv[2] ?? path.join(import.meta.dirname, '..', 'web', 'dist');
const textFiles = /\.(?:js|mjs|css|html|svg|json|txt|map|ttf)$/;
// Below this a compressed copy saves less than a packet.
const minimumBytes = 1024;
const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Writes the twins of one file; returns its size and the brotli size, or undefined. */
async function compressFile(file) {
  const data = await readFile(file);
  if (data.length < minimumBytes) return undefined;
  const [br, gz] = await Promise.all([
    brotli(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gzipAsync(data, { level: 9 }),
  ]);
  // A twin that saves under 10% is not worth the decoding.
  if (br.length > data.length * 0.9) return undefined;
  await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gz)]);
  return { raw: data.length, br: br.length };
}

const entries = await readdir(root, { recursive: true, withFileTypes: true });
const files = entries
  .filter((entry) => entry.isFile() && textFiles.test(entry.name))
  .map((entry) => path.join(entry.parentPath, entry.name));
let raw = 0;
let br = 0;
let count = 0;
for (const sizes of await Promise.all(files.map(compressFile))) {
  if (!sizes) continue;
  count += 1;
  raw += sizes.raw;
  br += sizes.br;
}
console.log(
  `precompressed ${count} files in ${path.relative(process.cwd(), root) || root}: ` +
    `${(raw / 1000).toFixed(1)} kB → ${(br / 1000).toFixed(1)} kB brotli`,
);
