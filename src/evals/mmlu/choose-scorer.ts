// Picks how a run reads answers: the embedded engine when the model's first target is one,
// otherwise the first remote method that works on the run's first question (that answer is
// kept). A resumed run keeps the method it started with, so its answers stay comparable.
import type { Gateway } from '../../gateway/types.js';
import { answerQuestion } from './answer-question.js';
import type { MmluQuestion } from './load-mmlu.js';
import type { MmluAnswer } from './run-store.js';
import {
  chatLogprobScorer,
  completionScorer,
  engineScorer,
  generateScorer,
  MethodUnavailable,
  type QuestionScorer,
  type RemoteScorer,
} from './scorers.js';
import type { ScoringMethod } from './scoring-method.js';

/** The scorer chosen, who answers, and the first question's answer if the choice asked it. */
export interface ChosenScorer {
  scorer: QuestionScorer;
  target: string;
  firstAnswer?: MmluAnswer;
}

/** Options of the choice. */
export interface ChooseOptions {
  /** The method a resumed run already uses. */
  method?: ScoringMethod | null;
  /** The target a resumed run already uses. */
  target?: string | null;
  reusePrefix?: boolean;
  signal?: AbortSignal;
}

/** Chooses the scorer, probing remote methods on `first` (with its shots) when needed. */
export async function chooseScorer(
  gateway: Gateway,
  model: string,
  first: { question: MmluQuestion; shots: readonly MmluQuestion[] },
  options: ChooseOptions = {},
): Promise<ChosenScorer> {
  const engine = engineScorer(gateway, model, { reusePrefix: options.reusePrefix });
  if (engine && (!options.method || options.method === 'engine-logprobs')) {
    return { scorer: engine, target: engine.target };
  }
  const remote = remoteScorers(gateway, model);
  const candidates = options.method
    ? remote.filter((scorer) => scorer.method === options.method)
    : remote;
  if (candidates.length === 0) {
    throw new Error(`model '${model}' can no longer be scored by '${options.method}'`);
  }
  if (options.method && options.target) {
    return { scorer: candidates[0]!, target: options.target };
  }
  let lastReason = '';
  for (const scorer of candidates) {
    let target = '';
    const probing: QuestionScorer = {
      method: scorer.method,
      async score(prompt, signal) {
        const { target: answeredBy, ...choice } = await scorer.scoreWithTarget(prompt.text, signal);
        target = answeredBy;
        return choice;
      },
    };
    try {
      const firstAnswer = await answerQuestion(
        first.question,
        first.shots,
        probing,
        options.signal,
      );
      return { scorer, target, firstAnswer };
    } catch (error) {
      if (!(error instanceof MethodUnavailable)) throw error;
      lastReason = error.message;
    }
  }
  throw new Error(`model '${model}' could not be scored by any method (${lastReason})`);
}

function remoteScorers(gateway: Gateway, model: string): RemoteScorer[] {
  return [
    completionScorer(gateway, model),
    chatLogprobScorer(gateway, model),
    generateScorer(gateway, model),
  ];
}
