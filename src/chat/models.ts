import type { Gateway } from '../gateway/gateway.js';
import { badRequest } from '../lib/errors.js';

/**
 * The model a reply uses: the one asked for, else the fallback (the conversation's, or the
 * regenerated message's), else the first the gateway lists (`small` when it exists). A 400
 * before anything is written when none is served, so bad input changes nothing.
 */
export function chooseModel(
  gateway: Gateway,
  requested: string | null | undefined,
  fallback: string | null | undefined,
): string {
  const models = gateway.listModels();
  const name = requested || fallback || models[0]?.name;
  if (!name) {
    throw badRequest(
      'No model is configured: add one to salon.yaml or set SALON_MODEL.',
      'model',
      'no_model',
    );
  }
  if (!models.some((model) => model.name === name)) {
    throw badRequest(`The model '${name}' does not exist.`, 'model', 'model_not_found');
  }
  return name;
}
