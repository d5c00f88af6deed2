// The full Markdown pipeline: react-markdown (micromark, GFM, mdast → hast → React), and
// remark-math + rehype-katex once loaded. Sanitized: raw HTML shows as text, URLs pass
// transformUrl, elements go through markdown-components.tsx.
import type { ReactElement } from 'react';
import Markdown from 'react-markdown';
import type rehypeKatex from 'rehype-katex';
import remarkGfm from 'remark-gfm';
import type remarkMath from 'remark-math';
import { components, transformUrl } from './markdown-components.js';

/** The math plugins (math-plugins.ts, a lazy chunk). */
export interface MathPlugins {
  remarkMath: typeof remarkMath;
  rehypeKatex: typeof rehypeKatex;
}

/** The element tree of `source`. */
export function renderFullMarkdown(source: string, math: MathPlugins | undefined): ReactElement {
  // react-markdown's Markdown is a plain function of its options (no hooks): calling it gives
  // the same tree as rendering it, and lets that tree be kept.
  return Markdown({
    children: source,
    remarkPlugins: math ? [remarkGfm, math.remarkMath] : [remarkGfm],
    rehypePlugins: math ? [math.rehypeKatex] : [],
    components,
    urlTransform: transformUrl,
  });
}
