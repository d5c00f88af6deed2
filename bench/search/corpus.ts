// The bench's messages: made-up but chat-shaped text, the same on every run (seeded). Words
// follow Zipf's law over a vocabulary of a few thousand, shortest words the most frequent, so
// the top words land in most messages (the worst case for search: ~40% of rows and more),
// while a long tail of names and codes gives rare words. Sentences vary from 4 to 22 words;
// user turns are short and assistant turns long, as in real chats.

/** A deterministic pseudo-random number generator (mulberry32): uniform in [0, 1). */
export type Random = () => number;

/** A generator seeded with `seed`. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [min, max]. */
export function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** What to generate. */
export interface CorpusShape {
  messages: number;
  conversations: number;
  /** Distinct Zipf-distributed words. */
  vocabulary: number;
  /** Distinct rare words (names, codes), drawn uniformly. */
  tail: number;
  seed: number;
}

/** The default: 100,000 messages in 1,000 conversations. */
export const defaultShape: CorpusShape = {
  messages: 100_000,
  conversations: 1_000,
  vocabulary: 5_000,
  tail: 60_000,
  seed: 20_250_101,
};

/** Who owns how much: one heavy user, ten regular ones and a newcomer. */
export const benchUsers = [
  { id: 'user-heavy', weight: 50 },
  ...Array.from({ length: 10 }, (_, index) => ({ id: `user-regular-${index}`, weight: 4.9 })),
  { id: 'user-newcomer', weight: 1 },
] as const;

/** One conversation and its messages, oldest first. */
export interface CorpusConversation {
  id: string;
  userId: string;
  title: string;
  messages: Array<{ id: string; role: 'user' | 'assistant'; content: string }>;
}

/** The generated messages, with what the query picker needs to know about them. */
export interface Corpus {
  conversations: CorpusConversation[];
  /** Zipf words, most frequent first. */
  words: string[];
  tailWords: string[];
  /** In how many messages each word occurs. */
  documentFrequency: Map<string, number>;
  /** Per user id, how many messages they own. */
  messagesByUser: Map<string, number>;
  messageCount: number;
}

const onsets = ['b', 'c', 'd', 'f', 'g', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'ch', 'tr', 'pl'];
const vowels = ['a', 'e', 'i', 'o', 'u', 'ou', 'ai', 'é'];
const codas = ['', '', '', 'n', 'r', 's', 'l', 'x'];

function syllable(random: Random): string {
  return pick(random, onsets) + pick(random, vowels) + pick(random, codas);
}

// Distinct made-up words; the shortest come first, since frequent words are short.
function makeWords(random: Random, count: number, syllables: [number, number]): string[] {
  const words = new Set<string>();
  while (words.size < count) {
    let word = '';
    for (let index = between(random, ...syllables); index > 0; index--) word += syllable(random);
    words.add(word);
  }
  return [...words].sort((a, b) => a.length - b.length);
}

// Cumulative Zipf weights (exponent 1) for sampling by binary search.
function zipfTable(size: number): Float64Array {
  const table = new Float64Array(size);
  let sum = 0;
  for (let rank = 0; rank < size; rank++) table[rank] = sum += 1 / (rank + 1);
  for (let rank = 0; rank < size; rank++) table[rank]! /= sum;
  return table;
}

function sample(table: Float64Array, random: Random): number {
  const target = random();
  let low = 0;
  let high = table.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (table[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Builds the corpus described by `shape`. */
export function generateCorpus(shape: CorpusShape = defaultShape): Corpus {
  const random = seededRandom(shape.seed);
  const words = makeWords(random, shape.vocabulary, [1, 3]);
  const vocabulary = new Set(words);
  const tailWords = makeWords(random, shape.tail, [3, 5]).filter((word) => !vocabulary.has(word));
  const zipf = zipfTable(words.length);
  const documentFrequency = new Map<string, number>();
  const messagesByUser = new Map<string, number>();
  const totalWeight = benchUsers.reduce((sum, user) => sum + user.weight, 0);

  const word = () => (random() < 0.02 ? pick(random, tailWords) : words[sample(zipf, random)]!);
  const sentence = () => {
    const parts = Array.from({ length: between(random, 4, 22) }, word);
    parts[0] = parts[0]!.charAt(0).toUpperCase() + parts[0]!.slice(1);
    if (parts.length > 8 && random() < 0.5) parts[between(random, 2, parts.length - 3)] += ',';
    return parts.join(' ') + pick(random, ['.', '.', '.', '?', '!']);
  };
  const text = (sentences: number) => Array.from({ length: sentences }, sentence).join(' ');

  const conversations: CorpusConversation[] = [];
  let messageCount = 0;
  for (let index = 0; index < shape.conversations; index++) {
    let draw = random() * totalWeight;
    const owner = benchUsers.find((user) => (draw -= user.weight) < 0) ?? benchUsers[0];
    // Spread the remaining messages evenly over the remaining conversations, ±50%.
    const left = shape.messages - messageCount;
    const even = left / (shape.conversations - index);
    const size =
      index === shape.conversations - 1
        ? left
        : Math.min(left, Math.max(2, Math.round(even * (0.5 + random()))));
    const messages: CorpusConversation['messages'] = [];
    for (let turn = 0; turn < size; turn++) {
      const role = turn % 2 ? 'assistant' : 'user';
      const content = role === 'user' ? text(between(random, 1, 3)) : text(between(random, 3, 30));
      const seen = new Set(content.toLowerCase().match(/[\p{L}\p{N}]+/gu));
      for (const token of seen)
        documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
      messages.push({ id: `message-${messageCount + turn}`, role, content });
    }
    messageCount += size;
    messagesByUser.set(owner.id, (messagesByUser.get(owner.id) ?? 0) + size);
    conversations.push({
      id: `conversation-${index}`,
      userId: owner.id,
      title: text(1).slice(0, 60),
      messages,
    });
  }
  return { conversations, words, tailWords, documentFrequency, messagesByUser, messageCount };
}
