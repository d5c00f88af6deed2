// Fails `npm run build:web` when the chat's entry chunk (the one <script> of index.html, loaded
// before anything else on every visit) has grown past its budget, and prints what the first
// paint downloads (the entry, the chunks index.html preloads, the stylesheet). Pages that only
// some people open (admin console, invitations, leaderboard, arena) must be lazy chunks of their
// own and leave these numbers alone.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

// Bytes of the entry before the admin console was added (4,500): raise it only on purpose, with
// the reason in the commit.
const entryBudgetBytes = 4_500;

const root = process.argv[2] ?? path.join(import.meta.dirname, '..', 'web', 'dist');
const html = await readFile(path.join(root, 'index.html'), 'utf8');
const entry = /<script type="module"[^>]*src="\/([^"]+\.js)"/.exec(html)?.[1];
if (!entry) throw new Error(`no entry <script> in ${root}/index.html`);
const firstPaint = [
  ...new Set([
    entry,
    ...[...html.matchAll(/<link[^>]*href="\/(assets\/[^"]+)"/g)].map((m) => m[1]),
  ]),
];

async function sizes(file) {
  const data = await readFile(path.join(root, file));
  return {
    raw: (await stat(path.join(root, file))).size,
    gzip: gzipSync(data, { level: 9 }).length,
  };
}

const entrySizes = await sizes(entry);
let raw = 0;
let gzip = 0;
for (const file of firstPaint) {
  const size = await sizes(file);
  raw += size.raw;
  gzip += size.gzip;
}
console.log(
  `web entry ${entry}: ${entrySizes.raw} B (gzip ${entrySizes.gzip} B), budget ${entryBudgetBytes} B; ` +
    `first paint ${firstPaint.length} files: ${raw} B (gzip ${gzip} B)`,
);
if (entrySizes.raw > entryBudgetBytes) {
  console.error(
    `the chat's entry chunk grew to ${entrySizes.raw} B, past its ${entryBudgetBytes} B budget: ` +
      'load the new code lazily (see web/src/admin/lazy-admin-console.tsx)',
  );
  process.exit(1);
}
