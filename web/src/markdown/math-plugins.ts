// Loaded on demand (dynamic import) when a message contains math: KaTeX and its CSS are
// kept out of the initial bundle.
import 'katex/dist/katex.min.css';
import rehypeKatex from 'rehype-katex';
import remarkMath from 'remark-math';

export { rehypeKatex, remarkMath };
