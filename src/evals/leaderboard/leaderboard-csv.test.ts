import { describe, expect, it } from 'vitest';
import { publishedMmluScores } from '../mmlu/published-scores.js';
import { leaderboardCsv } from './leaderboard-csv.js';
import type { Leaderboard } from './leaderboard.js';

const board: Leaderboard = {
  arena: {
    battles: 3,
    ratings: [
      {
        model: 'mistral-small',
        rank: 1,
        rating: 1012.345678,
        lower: 990.1,
        upper: 1030.2,
        elo: 1001.5,
        battles: 3,
        wins: 2,
        ties: 0,
        losses: 1,
      },
      {
        model: '=HYPERLINK("x")',
        rank: 1,
        rating: 987.654322,
        lower: 970,
        upper: 1010,
        elo: 998.5,
        battles: 3,
        wins: 1,
        ties: 0,
        losses: 2,
      },
    ],
    method: {} as Leaderboard['arena']['method'],
  },
  mmlu: {
    runs: [
      {
        id: 'run1',
        model: 'tiny',
        micro: 0.25,
        macro: 0.26,
        microLower: 0.17,
        microUpper: 0.34,
        n: 100,
        shots: 5,
        split: 'test',
        limit: null,
        method: 'logprobs',
        finishedAt: '2026-01-02T00:00:00.000Z',
        subjects: {},
      },
    ],
    published: publishedMmluScores,
  },
  generatedAt: '2026-01-02T00:00:00.000Z',
};

describe('leaderboard CSV', () => {
  it('has a header, one row per model and board, and marks published scores', () => {
    const lines = leaderboardCsv(board).split('\r\n');
    expect(lines[0]).toBe('board,source,model,rank,score,lower,upper,elo,n,shots,method,date');
    expect(lines[1]).toBe(
      'arena,measured,mistral-small,1,1012.3457,990.1,1030.2,1001.5,3,,bradley-terry,',
    );
    expect(lines[3]).toBe('mmlu,measured,tiny,,25,17,34,,100,5,logprobs,2026-01-02T00:00:00.000Z');
    expect(lines[4]).toBe('mmlu,published,GPT-4,,86.4,,,,,5,"published, not measured here",');
    expect(lines).toHaveLength(1 + 2 + 1 + 7 + 1); // the last line ends with CRLF too
    expect(lines.at(-1)).toBe('');
  });

  it('quotes commas and quotes, and keeps a name from becoming a formula', () => {
    const line = leaderboardCsv(board).split('\r\n')[2]!;
    expect(line.startsWith('arena,measured,"\'=HYPERLINK(""x"")",1,')).toBe(true);
  });
});
