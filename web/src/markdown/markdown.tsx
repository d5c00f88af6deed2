// Markdown of model output, sanitized: GFM, code blocks, LaTeX (KaTeX loaded only when a
// message has math). No raw HTML (it shows as text), links only to http(s)/mailto, images
// never loaded (a link "[image: alt]" instead), nothing passed to dangerouslySetInnerHTML.
// The full parser (full-markdown.tsx) costs milliseconds per message, tens on its first, cold
// run: text without Markdown skips it, so does text in the common forms that the light reader
// handles exactly (light-blocks.ts), and finished messages keep their rendered tree for when
// their row comes back into view. The full parser is a lazy chunk too: the app's first paint
// neither downloads nor evaluates it, and text only it can read shows as written until it has
// loaded (as math does until KaTeX has).
import { memo } from 'react';
import type { ReactNode } from 'react';
import type * as fullMarkdown from './full-markdown.js';
import type { MathPlugins } from './full-markdown.js';
import { lazyModule } from './lazy-module.js';
import { readLightMarkdown } from './light-blocks.js';
import { renderLightMarkdown } from './light-markdown.js';
import { hasMath, normalizeMathDelimiters } from './math-syntax.js';
import { plainParagraphs, sourceParagraphs } from './plain-text.js';

const useMath = lazyModule(() => import('./math-plugins.js'));
const useFullReader = lazyModule(() => import('./full-markdown.js'));

type FullReader = typeof fullMarkdown;

// Rendered trees of finished messages, least recently used first: a few screens of rows.
const rendered = new Map<string, ReactNode>();
const renderedLimit = 200;

function cached(key: string): ReactNode | undefined {
  const hit = rendered.get(key);
  if (hit === undefined) return undefined;
  rendered.delete(key);
  rendered.set(key, hit);
  return hit;
}

function keep(key: string, tree: ReactNode): void {
  rendered.set(key, tree);
  if (rendered.size > renderedLimit) rendered.delete(rendered.keys().next().value!);
}

/**
 * The element tree of `source`: the light reader's when it reads the text (with math, only
 * until KaTeX has loaded: its `$$` blocks then show as written, as the full parser would show
 * them without remark-math), else the full parser's, and until that has loaded, the text as
 * written. `final` trees are kept, except that stand-in.
 */
function renderMarkdown(
  source: string,
  key: string,
  light: ReturnType<typeof readLightMarkdown>,
  math: MathPlugins | undefined,
  full: FullReader | undefined,
  final: boolean,
): ReactNode {
  let tree: ReactNode;
  if (light && !math) tree = renderLightMarkdown(light);
  else if (full) tree = full.renderFullMarkdown(source, math);
  else if (light) return renderLightMarkdown(light);
  else {
    return sourceParagraphs(source).map((text, index) => (
      <p key={index} className="markdown-source">
        {text}
      </p>
    ));
  }
  if (final) keep(key, tree);
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
  const key = `${math ? 'math' : 'text'}:${source}`;
  const hit = paragraphs || !final ? undefined : cached(key);
  // With KaTeX here, math needs the full parser; the light reader stands in until it is too.
  const light =
    paragraphs || hit !== undefined || (math && useFullReader.loaded())
      ? undefined
      : readLightMarkdown(source, { mathAsSource: wantsMath });
  // The full parser is for what the light reader cannot read, and for math once KaTeX is here.
  // A streaming reply loads it too: text being written passes through forms only it reads (an
  // unclosed fence, half a table), which would otherwise show as written for a moment.
  const full = useFullReader(
    !final || (!paragraphs && hit === undefined && (!light || math !== undefined)),
  );
  let body: ReactNode;
  if (paragraphs) body = paragraphs.map((paragraph, index) => <p key={index}>{paragraph}</p>);
  else if (hit !== undefined) body = hit;
  else body = renderMarkdown(source, key, light, math, full, final);
  return <div className="markdown">{body}</div>;
});
