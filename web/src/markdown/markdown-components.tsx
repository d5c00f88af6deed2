// The elements react-markdown renders its own way: links only to safe URLs, images never loaded,
// code blocks with their header, tables that scroll sideways. The light reader
// (light-markdown.tsx) renders its tables and code blocks with the same components.
import { isValidElement } from 'react';
import type { ComponentProps, ReactNode } from 'react';
import type { Components } from 'react-markdown';
import { useI18n } from '../i18n/i18n.js';
import { CodeBlock } from './code-block.js';
import { safeUrl } from './safe-url.js';

/** Keeps safe URLs and in-page anchors (GFM footnotes); anything else becomes ''. */
export function transformUrl(url: string): string {
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

/** A table in a focusable box that scrolls sideways when it is too wide. */
export function Table(props: ComponentProps<'table'>) {
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>{props.children}</table>
    </div>
  );
}

/** react-markdown's overrides. */
export const components: Components = { a: Link, img: Image, pre: Pre, table: Table };
