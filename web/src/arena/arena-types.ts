// The arena's API shapes (docs/web-api.md, "Arena").
import type { MessageStatus } from '../api/types.js';

/** A verdict: A better, B better, a tie, or both bad. */
export type BattleOutcome = 'a' | 'b' | 'tie' | 'both_bad';

/** One side of a battle; `model` stays null until the vote. */
export interface BattleSide {
  messageId: string;
  runId: string | null;
  content: string;
  status: MessageStatus;
  error: string | null;
  model: string | null;
}

/** A battle as the server answers it. */
export interface Battle {
  id: string;
  prompt: string;
  a: BattleSide;
  b: BattleSide;
  vote: BattleOutcome | null;
  createdAt: string;
}

/** The two sides, in the order they are shown. */
export const sides = ['a', 'b'] as const;

/** Side `a` or `b`. */
export type SideKey = (typeof sides)[number];
