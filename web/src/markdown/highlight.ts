// Loaded on demand when a code block is shown: highlight.js's common languages through
// lowlight, which returns a syntax tree, rendered here as React elements (never as HTML).
// hast-util-to-jsx-runtime lives in this chunk, not in the app's: it brings property-information,
// whose tables cost the first paint milliseconds to build.
import type { Root } from 'hast';
import { toJsxRuntime } from 'hast-util-to-jsx-runtime';
import { common, createLowlight } from 'lowlight';
import type { ReactNode } from 'react';
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';

const lowlight = createLowlight(common);

/** The highlighted tree of code, or undefined when the language is unknown. */
export function highlightCode(code: string, language: string | undefined): Root | undefined {
  if (language && lowlight.registered(language)) return lowlight.highlight(language, code);
  if (language) return undefined;
  // No language given: guess among the common ones, but only for short enough blocks.
  return code.length < 20_000 ? lowlight.highlightAuto(code) : undefined;
}

/** The highlighted code as React elements, or undefined when the language is unknown. */
export function highlightedElements(code: string, language: string | undefined): ReactNode {
  const tree = highlightCode(code, language);
  return tree ? toJsxRuntime(tree, { Fragment, jsx, jsxs }) : undefined;
}
