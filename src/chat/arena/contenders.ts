// Which two models answer a battle: two different models chosen at random among those served,
// in random order. Aliases (`small`) are left out, since an alias and its model are the same
// model, and a battle between them would rate a model against itself.
import { randomInt } from 'node:crypto';
import type { Gateway } from '../../gateway/gateway.js';
import { badRequest } from '../../lib/errors.js';

/** The models a battle may use: every served model that is not an alias. */
export function arenaModels(gateway: Pick<Gateway, 'listModels'>): string[] {
  return gateway
    .listModels()
    .filter((route) => !route.aliasOf)
    .map((route) => route.name);
}

/** Two different models, as sides A and B; 400 `arena_needs_two_models` with fewer than two. */
export function pickContenders(
  gateway: Pick<Gateway, 'listModels'>,
  random: (max: number) => number = randomInt,
): [a: string, b: string] {
  const models = arenaModels(gateway);
  if (models.length < 2) {
    throw badRequest(
      `The arena needs at least two models and this server serves ${models.length}: ` +
        'add a model or connect a provider first.',
      null,
      'arena_needs_two_models',
    );
  }
  const first = random(models.length);
  // The second is drawn among the others: uniform over ordered pairs, never the same model.
  const second = (first + 1 + random(models.length - 1)) % models.length;
  return [models[first]!, models[second]!];
}
