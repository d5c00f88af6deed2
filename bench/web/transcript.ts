// A generated chat transcript that reads like real use: short questions, and replies in
// Markdown (paragraphs, lists, inline code, tables, fenced code in several languages, now and
// then some math). Seeded, so every run and both conversation sizes see the same text.

/** One message of a transcript. */
export interface TranscriptMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** A small, fast, seedable PRNG (mulberry32). */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (
  'the a of to and in is for that with on as it be this are by or can you from an your ' +
  'request server cache index query latency token model stream reply thread queue worker ' +
  'memory buffer schema table column migration function return value error retry timeout ' +
  'layout render component state effect bundle chunk module import export config build ' +
  'deploy container network socket header payload session user message conversation branch ' +
  'parser grammar sampling context window prompt template vector embedding search result ' +
  'simple faster slower instead because however usually often first then finally also'
).split(' ');

const topics = [
  'a Postgres index',
  'React state',
  'a Rust borrow error',
  'Docker networking',
  'a Python script',
  'SSE streaming',
  'CSS grid',
  'a SQL query',
  'TypeScript generics',
  'a bash one-liner',
];

const snippets: Array<{ language: string; code: string }> = [
  {
    language: 'ts',
    code: [
      'export async function retry<T>(work: () => Promise<T>, attempts = 3): Promise<T> {',
      '  let last: unknown;',
      '  for (let attempt = 1; attempt <= attempts; attempt += 1) {',
      '    try {',
      '      return await work();',
      '    } catch (error) {',
      '      last = error;',
      '      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));',
      '    }',
      '  }',
      '  throw last;',
      '}',
    ].join('\n'),
  },
  {
    language: 'python',
    code: [
      'import csv',
      'from collections import Counter',
      '',
      'def top_words(path: str, n: int = 10) -> list[tuple[str, int]]:',
      '    counts = Counter()',
      '    with open(path, newline="") as handle:',
      '        for row in csv.DictReader(handle):',
      '            counts.update(row["text"].lower().split())',
      '    return counts.most_common(n)',
    ].join('\n'),
  },
  {
    language: 'sql',
    code: [
      'select c.id, c.title, count(m.id) as messages',
      'from conversations c',
      'join messages m on m.conversation_id = c.id',
      "where c.user_id = $1 and m.created_at > now() - interval '7 days'",
      'group by c.id',
      'order by messages desc',
      'limit 20;',
    ].join('\n'),
  },
  {
    language: 'bash',
    code: [
      'docker run -d --name salon -p 8080:8080 \\',
      '  -v salon-data:/data -e SALON_DATA_DIR=/data \\',
      '  salon:latest',
      'curl -s localhost:8080/healthz | jq .',
    ].join('\n'),
  },
  {
    language: 'rust',
    code: [
      "fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {",
      '    if a.len() >= b.len() { a } else { b }',
      '}',
      '',
      'fn main() {',
      '    let s = String::from("bonjour");',
      '    println!("{}", longest(&s, "salut"));',
      '}',
    ].join('\n'),
  },
  {
    language: 'css',
    code: [
      '.layout {',
      '  display: grid;',
      '  grid-template-columns: 16rem 1fr;',
      '  gap: 1rem;',
      '}',
      '@media (max-width: 48rem) {',
      '  .layout { grid-template-columns: 1fr; }',
      '}',
    ].join('\n'),
  },
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function sentence(random: () => number, length = 8 + Math.floor(random() * 14)): string {
  const parts: string[] = [];
  for (let i = 0; i < length; i += 1) {
    let word = pick(random, words);
    if (random() < 0.05) word = `\`${word}\``;
    else if (random() < 0.03) word = `**${word}**`;
    parts.push(word);
  }
  const text = parts.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

function paragraph(random: () => number): string {
  const count = 2 + Math.floor(random() * 4);
  return Array.from({ length: count }, () => sentence(random)).join(' ');
}

function list(random: () => number, ordered: boolean): string {
  const count = 3 + Math.floor(random() * 4);
  return Array.from(
    { length: count },
    (_, index) =>
      `${ordered ? `${index + 1}.` : '-'} ${sentence(random, 5 + Math.floor(random() * 8))}`,
  ).join('\n');
}

function table(random: () => number): string {
  const rows = Array.from(
    { length: 3 + Math.floor(random() * 3) },
    () => `| ${pick(random, words)} | ${Math.floor(random() * 1000)} ms | ${sentence(random, 4)} |`,
  );
  return ['| option | cost | note |', '| --- | ---: | --- |', ...rows].join('\n');
}

function codeBlock(random: () => number): string {
  const snippet = pick(random, snippets);
  return `\`\`\`${snippet.language}\n${snippet.code}\n\`\`\``;
}

function question(random: () => number): string {
  const opener = pick(random, [
    `How do I fix ${pick(random, topics)}?`,
    `Can you explain ${pick(random, topics)} in simple terms?`,
    `Why is my ${pick(random, topics)} slow?`,
    `Write an example of ${pick(random, topics)}.`,
    'And what about the edge cases?',
    'Thanks! One more thing:',
  ]);
  return random() < 0.5 ? opener : `${opener} ${sentence(random)}`;
}

/** A reply of roughly `blocks` Markdown blocks. */
export function reply(random: () => number, blocks = 2 + Math.floor(random() * 4)): string {
  const parts = [paragraph(random)];
  for (let i = 1; i < blocks; i += 1) {
    const roll = random();
    if (roll < 0.3) parts.push(codeBlock(random));
    else if (roll < 0.5) parts.push(list(random, random() < 0.5));
    else if (roll < 0.58) parts.push(table(random));
    else if (roll < 0.62) parts.push(`$$\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}\n$$`);
    else if (roll < 0.7) parts.push(`### ${sentence(random, 4).slice(0, -1)}`);
    else parts.push(paragraph(random));
  }
  return parts.join('\n\n');
}

/** `count` messages, user and assistant in turn, the user first. */
export function generateTranscript(count: number, seed = 20_000): TranscriptMessage[] {
  const random = randomSource(seed);
  return Array.from({ length: count }, (_, index) =>
    index % 2 === 0
      ? { role: 'user' as const, content: question(random) }
      : { role: 'assistant' as const, content: reply(random) },
  );
}

/**
 * The streamed reply: Markdown of about `tokens` tokens (4 characters each, OpenAI's rule of
 * thumb) with a code block in the middle, cut into exactly `tokens` pieces by the fake upstream.
 */
export function streamedReply(tokens: number, seed = 7): string {
  const random = randomSource(seed);
  const target = tokens * 4;
  const parts = [paragraph(random), list(random, true), codeBlock(random)];
  while (parts.join('\n\n').length < target) parts.push(paragraph(random));
  return parts.join('\n\n').slice(0, target);
}
