// Markdown of model output, sanitized: GFM, code blocks, LaTeX (KaTeX loaded only when a
// message has math). No raw HTML (it shows as text), links only to http(s)/mailto, images
// never loaded (a link "[image: alt]" instead), nothing passed to dangerouslySetInnerHTML.
// The full parser (full-markdown.tsx) costs milliseconds per message, tens on its first, cold
// run: text without Markdown skips it, so does text in the common forms that the light reader
// handles exactly (light-blocks.ts), and finished messages keep their rendered tree for when
// their row comes back into view.
import { memo } from 'react';
import type { ReactNode } from 'react';
import { renderFullMarkdown, type MathPlugins } from './full-markdown.js';
import { lazyModule } from './lazy-module.js';
import { readLightMarkdown } from './light-blocks.js';
import { renderLightMarkdown } from './light-markdown.js';
import { hasMath, normalizeMathDelimiters } from './math-syntax.js';
import { plainParagraphs } from './plain-text.js';

const useMath = lazyModule(() => import('./math-plugins.js'));

// Rendered trees of finished messages, least recently used first: a few screens of rows.
const rendered = new Map<string, ReactNode>();
const renderedLimit = 200;

/**
 * The element tree of `source`, from the cache when `cache` allows it. Text with math waiting
 * for `math` to load shows its `$$` blocks as written meanwhile (as the full parser would
 * without remark-math), so that even then it need not run micromark.
 */
function renderMarkdown(
  source: string,
  wantsMath: boolean,
  math: MathPlugins | undefined,
  cache: boolean,
) {
  const key = `${math ? 'math' : 'text'}:${source}`;
  const hit = cache ? rendered.get(key) : undefined;
  if (hit) {
    rendered.delete(key);
    rendered.set(key, hit);
    return hit;
  }
  const light = math ? undefined : readLightMarkdown(source, { mathAsSource: wantsMath });
  const tree = light ? renderLightMarkdown(light) : renderFullMarkdown(source, math);
  if (cache) {
    rendered.set(key, tree);
    if (rendered.size > renderedLimit) rendered.delete(rendered.keys().next().value!);
  }
  return tree;
}

/**
 * Renders model text as sanitized Markdown. `final` marks text that will not change (not a
 * reply still streaming), whose rendering is worth keeping.
 */
export const MarkdownView = memo(function MarkdownView({
  text,
  final = false,
}: {
  text: string;
  final?: boolean;
}) {
  const source = normalizeMathDelimiters(text);
  const wantsMath = hasMath(source);
  const math = useMath(wantsMath);
  const paragraphs = wantsMath ? undefined : plainParagraphs(source);
  return (
    <div className="markdown">
      {paragraphs
        ? paragraphs.map((paragraph, index) => <p key={index}>{paragraph}</p>)
        : renderMarkdown(source, wantsMath, wantsMath ? math : undefined, final)}
    </div>
  );
});
