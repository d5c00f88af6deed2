// The queries the bench runs: a mix of kinds, each asked by a heavy user (half the messages), a
// regular one (~5%) and a newcomer (~1%), since how much of the index belongs to the caller is
// what decides how much of it a search must skip.
import { between, pick, seededRandom, type Corpus, type Random } from './corpus.js';

/** What a query looks like. */
export type QueryKind = 'rare word' | 'common word' | 'two words' | 'phrase' | 'prefix';

/** Every kind, in report order. */
export const queryKinds: readonly QueryKind[] = [
  'rare word',
  'common word',
  'two words',
  'phrase',
  'prefix',
];

/** The users queries are asked as, by how much they own. */
export const queryUsers = [
  { label: 'heavy', id: 'user-heavy' },
  { label: 'regular', id: 'user-regular-0' },
  { label: 'newcomer', id: 'user-newcomer' },
] as const;

/** One search to time. */
export interface BenchQuery {
  kind: QueryKind;
  user: (typeof queryUsers)[number]['label'];
  userId: string;
  text: string;
}

// Words occurring in a share of messages within [min, max].
function wordsWithShare(corpus: Corpus, words: readonly string[], min: number, max: number) {
  const found = words.filter((word) => {
    const share = (corpus.documentFrequency.get(word) ?? 0) / corpus.messageCount;
    return share >= min && share <= max;
  });
  if (!found.length) throw new Error(`no word occurs in ${min * 100}–${max * 100}% of messages`);
  return found;
}

// The words of one of the user's messages, lower-cased.
function ownWords(corpus: Corpus, random: Random, userId: string): string[] {
  const own = corpus.conversations.filter((conversation) => conversation.userId === userId);
  const { content } = pick(random, pick(random, own).messages);
  return content.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

// A name or code from one of the user's own messages (what one searches to find it again),
// or from anyone's when a few hundred of theirs hold none.
function ownRareWord(corpus: Corpus, random: Random, userId: string, rare: Set<string>): string {
  for (let attempt = 0; attempt < 500; attempt++) {
    const found = ownWords(corpus, random, userId).filter((word) => rare.has(word));
    if (found.length) return pick(random, found);
  }
  return pick(random, [...rare]);
}

function phrase(corpus: Corpus, random: Random, userId: string): string {
  const words = ownWords(corpus, random, userId);
  const length = between(random, 2, 3);
  const at = between(random, 0, Math.max(0, words.length - length));
  return `"${words.slice(at, at + length).join(' ')}"`;
}

/** `perKind` queries of each kind, spread over the three users, in a shuffled order. */
export function benchQueries(corpus: Corpus, perKind: number, seed: number): BenchQuery[] {
  const random = seededRandom(seed);
  // Rare: names and codes found in at most 10 messages; a third of them from anyone's messages
  // or none (as typos are), the rest from the user's own.
  const rare = corpus.tailWords.filter((word) => (corpus.documentFrequency.get(word) ?? 0) <= 10);
  const rareSet = new Set(rare.filter((word) => corpus.documentFrequency.has(word)));
  // Common: the previous engineer's worst case (~40% of rows) and up to the very top words.
  const common = wordsWithShare(corpus, corpus.words, 0.25, 0.95);
  const middle = wordsWithShare(corpus, corpus.words, 0.005, 0.2);
  const prefixable = wordsWithShare(corpus, corpus.words, 0.002, 0.5).filter((w) => w.length >= 5);
  const make: Record<QueryKind, (userId: string) => string> = {
    'rare word': (userId) =>
      random() < 1 / 3 ? pick(random, rare) : ownRareWord(corpus, random, userId, rareSet),
    'common word': () => pick(random, common),
    'two words': () =>
      random() < 0.5
        ? `${pick(random, middle)} ${pick(random, middle)}`
        : `${pick(random, common)} ${pick(random, middle)}`,
    phrase: (userId) => phrase(corpus, random, userId),
    // What a user has typed so far; Salon matches whole words (websearch_to_tsquery has no
    // prefix search), so this times the lookup of a word that is often not in the index.
    prefix: () => `${pick(random, prefixable).slice(0, between(random, 3, 4))}*`,
  };
  const queries: BenchQuery[] = [];
  for (const kind of queryKinds) {
    for (let index = 0; index < perKind; index++) {
      const user = queryUsers[index % queryUsers.length]!;
      queries.push({ kind, user: user.label, userId: user.id, text: make[kind](user.id) });
    }
  }
  for (let index = queries.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [queries[index], queries[other]] = [queries[other]!, queries[index]!];
  }
  return queries;
}
