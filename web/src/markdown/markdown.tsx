// Markdown of model output, sanitized: GFM, code blocks, LaTeX (KaTeX loaded only when a
// message has math). No raw HTML (it shows as text), links only to http(s)/mailto, images
// never loaded (a link "[image: alt]" instead), nothing passed to dangerouslySetInnerHTML.
// Parsing costs milliseconds per message: text without Markdown skips it, and finished
// messages keep their rendered tree for when their row comes back into view.
import { isValidElement, memo } from 'react';
import type { ComponentProps, ReactElement, ReactNode } from 'react';
import Markdown from 'react-markdown';
import type { Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { useI18n } from '../i18n/i18n.js';
import { CodeBlock } from './code-block.js';
import { lazyModule } from './lazy-module.js';
import { hasMath, normalizeMathDelimiters } from './math-syntax.js';
import { plainParagraphs } from './plain-text.js';
import { safeUrl } from './safe-url.js';

const useMath = lazyModule(() => import('./math-plugins.js'));

/** Keeps safe URLs and in-page anchors (GFM footnotes); anything else becomes ''. */
function transformUrl(url: string): string {
  if (url.startsWith('#')) return url;
  return safeUrl(url) ?? '';
}

function Link({ href, children }: ComponentProps<'a'>) {
  if (href?.startsWith('#')) return <a href={href}>{children}</a>;
  const url = safeUrl(href);
  if (!url) return <span className="unsafe-link">{children}</span>;
  return (
    <a href={url} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

function Image({ src, alt }: ComponentProps<'img'>) {
  const { t } = useI18n();
  const label = t('image', { alt: alt || '' });
  const url = typeof src === 'string' ? safeUrl(src) : undefined;
  if (!url) return <span className="image-placeholder">{label}</span>;
  return (
    <a className="image-placeholder" href={url} target="_blank" rel="noopener noreferrer nofollow">
      {label}
    </a>
  );
}

function Pre({ children }: ComponentProps<'pre'>) {
  const code = isValidElement<{ className?: string; children?: ReactNode }>(children)
    ? children.props
    : undefined;
  const text = typeof code?.children === 'string' ? code.children : String(code?.children ?? '');
  const language = /language-([\w+#.-]+)/.exec(code?.className ?? '')?.[1];
  return <CodeBlock code={text.replace(/\n$/, '')} language={language} />;
}

function Table(props: ComponentProps<'table'>) {
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>{props.children}</table>
    </div>
  );
}

const components: Components = { a: Link, img: Image, pre: Pre, table: Table };

// Rendered trees of finished messages, least recently used first: a few screens of rows.
const rendered = new Map<string, ReactElement>();
const renderedLimit = 200;

type MathPlugins = NonNullable<ReturnType<typeof useMath>>;

/** The element tree of `source`, from the cache when `cache` allows it. */
function renderMarkdown(source: string, math: MathPlugins | undefined, cache: boolean) {
  const key = `${math ? 'math' : 'text'}:${source}`;
  const hit = cache ? rendered.get(key) : undefined;
  if (hit) {
    rendered.delete(key);
    rendered.set(key, hit);
    return hit;
  }
  // react-markdown's Markdown is a plain function of its options (no hooks): calling it gives
  // the same tree as rendering it, and lets that tree be kept.
  const tree = Markdown({
    children: source,
    remarkPlugins: math ? [remarkGfm, math.remarkMath] : [remarkGfm],
    rehypePlugins: math ? [math.rehypeKatex] : [],
    components,
    urlTransform: transformUrl,
  });
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
        : renderMarkdown(source, wantsMath ? math : undefined, final)}
    </div>
  );
});
