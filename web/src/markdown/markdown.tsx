// Markdown of model output, sanitized: GFM, code blocks, LaTeX (KaTeX loaded only when a
// message has math). No raw HTML (it shows as text), links only to http(s)/mailto, images
// never loaded (a link "[image: alt]" instead), nothing passed to dangerouslySetInnerHTML.
import { isValidElement, memo } from 'react';
import type { ComponentProps, ReactNode } from 'react';
import Markdown from 'react-markdown';
import type { Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { useI18n } from '../i18n/i18n.js';
import { CodeBlock } from './code-block.js';
import { lazyModule } from './lazy-module.js';
import { hasMath, normalizeMathDelimiters } from './math-syntax.js';
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

/** Renders model text as sanitized Markdown. */
export const MarkdownView = memo(function MarkdownView({ text }: { text: string }) {
  const source = normalizeMathDelimiters(text);
  const wantsMath = hasMath(source);
  const math = useMath(wantsMath);
  const remarkPlugins = wantsMath && math ? [remarkGfm, math.remarkMath] : [remarkGfm];
  const rehypePlugins = wantsMath && math ? [math.rehypeKatex] : [];
  return (
    <div className="markdown">
      <Markdown
        remarkPlugins={remarkPlugins}
        rehypePlugins={rehypePlugins}
        components={components}
        urlTransform={transformUrl}
      >
        {source}
      </Markdown>
    </div>
  );
});
