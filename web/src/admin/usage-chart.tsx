// A stacked bar chart of one figure per day and model, drawn with Chart.js: a chunk of its own,
// loaded when the usage section first shows a chart. The canvas is an image to assistive
// technology, named by a summary; the numbers themselves are in the section's tables.
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
import { useAdminText, type AdminKey } from './admin-text.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

// Okabe–Ito: distinguishable in both themes and for the common colour-vision deficiencies.
const palette = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#999999'];

/** One stacked series. */
export interface ChartSeries {
  label: string;
  values: number[];
}

/** Stacked bars of `series` over `days`. */
export function UsageChart({
  title,
  total,
  days,
  series,
}: {
  /** What the chart shows, for its accessible summary. */
  title: AdminKey;
  /** The sum of every bar, as the reader writes numbers. */
  total: string;
  days: string[];
  series: ChartSeries[];
}) {
  const t = useAdminText();
  const summary = t('chartSummary', {
    title: t(title),
    total,
    from: days[0] ?? '',
    to: days.at(-1) ?? '',
  });
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const style = getComputedStyle(document.documentElement);
    const text = style.getPropertyValue('--text').trim();
    const grid = style.getPropertyValue('--border').trim();
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: days,
        datasets: series.map((item, index) => ({
          label: item.label,
          data: item.values,
          backgroundColor: palette[index % palette.length],
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, ticks: { color: text }, grid: { color: grid } },
          y: { stacked: true, beginAtZero: true, ticks: { color: text }, grid: { color: grid } },
        },
        plugins: { legend: { labels: { color: text } } },
      },
    });
    return () => chart.destroy();
  }, [days, series]);
  return (
    <div className="usage-chart">
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
