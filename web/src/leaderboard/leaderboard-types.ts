// The leaderboard's API shape (docs/web-api.md, "Leaderboard").

/** A model's arena standing. */
export interface ArenaRating {
  model: string;
  rank: number;
  rating: number;
  lower: number;
  upper: number;
  elo: number;
  battles: number;
  wins: number;
  ties: number;
  losses: number;
}

/** An MMLU run measured on this server (accuracies as fractions). */
export interface MmluRun {
  id: string;
  model: string;
  micro: number;
  macro: number;
  microLower: number;
  microUpper: number;
  n: number;
  shots: number;
  split: string;
  limit: number | null;
  method: string;
  finishedAt: string;
  subjects: Record<string, { acc: number; n: number }>;
}

/** A published MMLU accuracy (`mmlu`, percent), not measured here. */
export interface PublishedScore {
  model: string;
  mmlu: number;
  shots: number;
  note: string;
}

/** GET /api/leaderboard. */
export interface LeaderboardData {
  arena: { battles: number; ratings: ArenaRating[] };
  mmlu: { runs: MmluRun[]; published: PublishedScore[] };
  generatedAt: string;
}
