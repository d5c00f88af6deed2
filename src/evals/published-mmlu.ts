// MMLU scores that model makers published, shown on the leaderboard beside the runs measured
// here and always marked as published, not measured: different prompts, shot selection and
// scoring move MMLU by several points, so they are a reference, not a like-for-like row.
// The one list both the leaderboard and the MMLU harness's reports use.

/** A published MMLU accuracy. */
export interface PublishedMmluScore {
  model: string;
  /** Accuracy in percent, as published. */
  accuracy: number;
  shots: number;
}

/** 5-shot MMLU accuracies as their authors reported them, best first. */
export const publishedMmluScores: readonly PublishedMmluScore[] = [
  { model: 'GPT-4', accuracy: 86.4, shots: 5 },
  { model: 'Mistral Large', accuracy: 81.2, shots: 5 },
  { model: 'Claude 2', accuracy: 78.5, shots: 5 },
  { model: 'Mixtral 8x7B', accuracy: 70.6, shots: 5 },
  { model: 'GPT-3.5', accuracy: 70.0, shots: 5 },
  { model: 'Llama 2 70B', accuracy: 69.9, shots: 5 },
  { model: 'Mistral 7B', accuracy: 60.1, shots: 5 },
];
