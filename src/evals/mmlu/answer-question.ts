// One question: its prompt with as many of the k shots as fit the model's context (dropped one
// at a time from the end, as the issue asks), scored by one scorer.
import type { MmluQuestion } from './load-mmlu.js';
import { questionPrompt } from './prompt.js';
import type { MmluAnswer } from './run-store.js';
import { isContextLengthError, type QuestionScorer } from './scorers.js';

/** Asks `question` after up to `shots.length` shots; a prompt too long loses a shot and retries. */
export async function answerQuestion(
  question: MmluQuestion,
  shots: readonly MmluQuestion[],
  scorer: QuestionScorer,
  signal?: AbortSignal,
): Promise<MmluAnswer> {
  for (let count = shots.length; ; count--) {
    try {
      const scored = await scorer.score(questionPrompt(question, shots.slice(0, count)), signal);
      return {
        subject: question.subject,
        questionIndex: question.index,
        expected: question.answer,
        chosen: scored.chosen,
        correct: scored.chosen === question.answer,
        method: scorer.method,
        shotsUsed: count,
        logprobs: scored.logprobs,
        response: scored.response,
      };
    } catch (error) {
      if (count === 0 || !isContextLengthError(error)) throw error;
    }
  }
}
