// Loaded on demand when a code block is shown: highlight.js's common languages through
// lowlight, which returns a syntax tree (rendered as React elements, never as HTML).
import type { Root } from 'hast';
import { common, createLowlight } from 'lowlight';

const lowlight = createLowlight(common);

/** The highlighted tree of code, or undefined when the language is unknown. */
export function highlightCode(code: string, language: string | undefined): Root | undefined {
  if (language && lowlight.registered(language)) return lowlight.highlight(language, code);
  if (language) return undefined;
  // No language given: guess among the common ones, but only for short enough blocks.
  return code.length < 20_000 ? lowlight.highlightAuto(code) : undefined;
}
