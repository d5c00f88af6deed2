// Battles drawn from known Bradley–Terry strengths, for the ratings' tests: a fraction of ties,
// and the other games won so that each side's expected score (ties as half) is what the model
// says. Kept out of the test file so that several suites can share it.
import type { ArenaOutcome, RatedBattle } from './battle-outcome.js';
import { expectedScore } from './online-elo.js';
import { seededRandom } from './seeded-random.js';

/** Draws `perPair` battles for every pair of `truth` (rating points), in random order. */
export function syntheticBattles(
  truth: Readonly<Record<string, number>>,
  options: { perPair: number; tieRate: number; seed: number },
): RatedBattle[] {
  const random = seededRandom(options.seed);
  const models = Object.keys(truth);
  const battles: RatedBattle[] = [];
  for (let x = 0; x < models.length; x++) {
    for (let y = x + 1; y < models.length; y++) {
      const [a, b] = [models[x]!, models[y]!];
      const p = expectedScore(truth[a]!, truth[b]!);
      // P(win) + ½·P(tie) = p, with P(tie) = tieRate.
      const win = (p - options.tieRate / 2) / (1 - options.tieRate);
      if (win < 0 || win > 1) throw new Error(`tie rate too high for ${a} vs ${b}`);
      for (let k = 0; k < options.perPair; k++) {
        const u = random();
        const outcome: ArenaOutcome =
          u < options.tieRate ? (random() < 0.5 ? 'tie' : 'both_bad') : random() < win ? 'a' : 'b';
        // Half the battles with the sides swapped: the fit must not care which side is A.
        battles.push(
          random() < 0.5
            ? { modelA: a, modelB: b, outcome }
            : {
                modelA: b,
                modelB: a,
                outcome: outcome === 'a' ? 'b' : outcome === 'b' ? 'a' : outcome,
              },
        );
      }
    }
  }
  // Fisher–Yates, so the online Elo does not see the pairs in blocks.
  for (let i = battles.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [battles[i], battles[j]] = [battles[j]!, battles[i]!];
  }
  return battles;
}
