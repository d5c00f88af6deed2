// The leaderboard as one CSV table, a row per model and board, so a spreadsheet can sort and
// filter it: arena ratings, MMLU runs measured here, and published MMLU scores (source
// `published`, never to be mistaken for a measurement).
import type { Leaderboard } from './leaderboard.js';

const columns = [
  'board',
  'source',
  'model',
  'rank',
  'score',
  'lower',
  'upper',
  'elo',
  'n',
  'shots',
  'method',
  'date',
] as const;

type Row = Partial<Record<(typeof columns)[number], string | number>>;

// RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so that a model name cannot
// become a formula when the file is opened in a spreadsheet.
function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = typeof value === 'number' ? String(Number(value.toFixed(4))) : value;
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV text (header first, CRLF line ends as RFC 4180 asks). */
export function leaderboardCsv(board: Leaderboard): string {
  const rows: Row[] = [
    ...board.arena.ratings.map((rating) => ({
      board: 'arena',
      source: 'measured',
      model: rating.model,
      rank: rating.rank,
      score: rating.rating,
      lower: rating.lower,
      upper: rating.upper,
      elo: rating.elo,
      n: rating.battles,
      method: 'bradley-terry',
    })),
    ...board.mmlu.runs.map((run) => ({
      board: 'mmlu',
      source: 'measured',
      model: run.model,
      score: run.micro * 100,
      lower: run.microLower * 100,
      upper: run.microUpper * 100,
      n: run.n,
      shots: run.shots,
      method: run.method,
      date: run.finishedAt,
    })),
    ...board.mmlu.published.map((score) => ({
      board: 'mmlu',
      source: 'published',
      model: score.model,
      score: score.mmlu,
      shots: score.shots,
      method: score.note,
    })),
  ];
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))]
    .map((line) => `${line}\r\n`)
    .join('');
}
