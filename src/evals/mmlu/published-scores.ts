// MMLU scores as their authors published them: shown on the leaderboard beside measured runs,
// always marked "published, not measured here". Salon ran none of these.

/** A score some model's authors reported. */
export interface PublishedScore {
  model: string;
  /** 5-shot MMLU accuracy in percent, as reported. */
  mmlu: number;
  shots: 5;
  /** What a leaderboard shows beside the row. */
  note: 'published, not measured here';
}

const note = 'published, not measured here' as const;

/** The reference rows of issue 5, highest first. */
export const publishedMmluScores: readonly PublishedScore[] = [
  { model: 'GPT-4', mmlu: 86.4, shots: 5, note },
  { model: 'Mistral Large', mmlu: 81.2, shots: 5, note },
  { model: 'Claude 2', mmlu: 78.5, shots: 5, note },
  { model: 'Mixtral 8x7B', mmlu: 70.6, shots: 5, note },
  { model: 'GPT-3.5', mmlu: 70.0, shots: 5, note },
  { model: 'Llama 2 70B', mmlu: 69.9, shots: 5, note },
  { model: 'Mistral 7B', mmlu: 60.1, shots: 5, note },
];
