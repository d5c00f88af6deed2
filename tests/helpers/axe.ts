// axe-core in a page under test. The page's CSP forbids inline scripts, so the library is
// evaluated through the DevTools protocol (which CSP does not govern) instead of a <script>.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeFile = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: Promise<string> | undefined;

/** One rule broken, with where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe (WCAG 2.x A and AA, and best practices) on the page as it is now. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(axeFile, 'utf8');
  const source = await axeSource;
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(source);
  return page.evaluate(async () => {
    const { axe } = globalThis as unknown as {
      axe: {
        run(options: object): Promise<{
          violations: {
            id: string;
            impact: string | null;
            help: string;
            nodes: { target: unknown[]; failureSummary?: string }[];
          }[];
        }>;
      };
    };
    const result = await axe.run({
      resultTypes: ['violations'],
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) =>
        `${node.target.join(' ')}: ${node.failureSummary ?? ''}`.slice(0, 300),
      ),
    }));
  });
}

/** The serious and critical violations: the ones a screen must not have. */
export function serious(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((violation) => ['serious', 'critical'].includes(violation.impact ?? ''));
}
