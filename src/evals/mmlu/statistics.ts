// Accuracies and their 95% confidence intervals.
//
// - A proportion over questions (micro, per subject, per category): the Wilson score interval,
//   which stays inside [0, 1] and keeps its coverage for small n and accuracies near 0 or 1,
//   where the normal approximation does not.
// - The macro average (mean of subject accuracies): the normal approximation with the subjects'
//   own binomial variances, Var = Σ p_s(1 − p_s)/n_s / S², clamped to [0, 1]. Subjects are fixed
//   (all of them are asked); only the questions within each are a sample.

/** z for a two-sided 95% interval. */
const z95 = 1.959963984540054;

/** An accuracy as a fraction, with its 95% interval and the number of questions behind it. */
export interface Accuracy {
  acc: number;
  n: number;
  /** 95% confidence interval, as fractions. */
  ci: [number, number];
}

/** Wilson score interval for `correct` successes out of `n`. */
export function wilsonInterval(correct: number, n: number, z = z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = correct / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The accuracy of `correct` out of `n` questions, with its Wilson interval. */
export function proportion(correct: number, n: number): Accuracy {
  return { acc: n === 0 ? 0 : correct / n, n, ci: wilsonInterval(correct, n) };
}

/** The mean of subject accuracies, with the normal-approximation interval described above. */
export function macroAverage(subjects: ReadonlyArray<{ correct: number; n: number }>): Accuracy {
  const asked = subjects.filter((subject) => subject.n > 0);
  const n = asked.reduce((sum, subject) => sum + subject.n, 0);
  if (asked.length === 0) return { acc: 0, n: 0, ci: [0, 1] };
  const rates = asked.map((subject) => subject.correct / subject.n);
  const acc = rates.reduce((sum, rate) => sum + rate, 0) / asked.length;
  const variance =
    asked.reduce((sum, subject, index) => {
      const rate = rates[index]!;
      return sum + (rate * (1 - rate)) / subject.n;
    }, 0) /
    (asked.length * asked.length);
  const half = z95 * Math.sqrt(variance);
  return { acc, n, ci: [Math.max(0, acc - half), Math.min(1, acc + half)] };
}
