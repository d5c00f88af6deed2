// MMLU accuracy per subject, one bar per run, drawn with Chart.js (only the bar chart's pieces
// are registered, to keep this chunk small). The canvas is an image to assistive technology,
// with a summary for its name; the numbers themselves are in the table below it.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n.js';
import type { MmluRun } from './leaderboard-types.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

// Distinguishable in light and dark themes, and for the common colour-vision deficiencies
// (Okabe–Ito).
const palette = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#999999'];

/** Subjects any run covers, sorted by name. */
export function subjectsOf(runs: readonly MmluRun[]): string[] {
  return [...new Set(runs.flatMap((run) => Object.keys(run.subjects)))].sort();
}

/** The per-subject bar chart of `runs` (best first). */
export function SubjectChart({ runs }: { runs: readonly MmluRun[] }) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const subjects = subjectsOf(runs);

  useEffect(() => {
    const subjects = subjectsOf(runs);
    const element = canvas.current;
    if (!element || !frame.current) return;
    // Height follows the number of bars; set through CSSOM, which the CSP allows.
    frame.current.style.height = `${Math.max(200, subjects.length * (12 * runs.length + 14) + 80)}px`;
    const text = getComputedStyle(document.documentElement).getPropertyValue('--text').trim();
    const grid = getComputedStyle(document.documentElement).getPropertyValue('--border').trim();
    const chart = new Chart(element, {
      type: 'bar',
      data: {
        labels: subjects.map((subject) => subject.replaceAll('_', ' ')),
        datasets: runs.map((run, index) => ({
          label: run.model,
          data: subjects.map((subject) =>
            run.subjects[subject] ? run.subjects[subject].acc * 100 : null,
          ),
          backgroundColor: palette[index % palette.length],
        })),
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: {
            min: 0,
            max: 100,
            title: { display: true, text: t('leaderboardAccuracyPercent'), color: text },
            ticks: { color: text },
            grid: { color: grid },
          },
          y: { ticks: { color: text, autoSkip: false }, grid: { color: grid } },
        },
        plugins: { legend: { labels: { color: text } } },
      },
    });
    return () => chart.destroy();
  }, [runs, t]);

  return (
    <div className="subject-chart" ref={frame}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={t('leaderboardChartLabel', {
          models: runs.map((run) => run.model).join(', '),
          count: subjects.length,
        })}
      />
    </div>
  );
}
