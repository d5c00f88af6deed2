// A fenced code block: language label, copy button, and syntax colours once the highlighter
// (a lazy chunk) has loaded. While a reply streams, highlighting waits for the text to settle.
import { memo, useEffect, useMemo, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { CopyButton } from '../lib/copy-button.js';
import { lazyModule } from './lazy-module.js';

const useHighlighter = lazyModule(() => import('./highlight.js'));

/** Renders one code block. */
export const CodeBlock = memo(function CodeBlock({
  code,
  language,
}: {
  code: string;
  language: string | undefined;
}) {
  const { t } = useI18n();
  const highlighter = useHighlighter(true);
  const settled = useSettled(code, 150);
  const highlighted = useMemo(() => {
    if (!highlighter || settled !== code) return undefined;
    return highlighter.highlightedElements(code, language);
  }, [highlighter, settled, code, language]);
  return (
    <div className="code-block">
      <div className="code-block-header">
        <span className="code-block-language">{language ?? ''}</span>
        <CopyButton text={code} label={t('copyCode')} />
      </div>
      {/* Focusable: a long line scrolls sideways, and keyboards must reach it too. */}
      <pre tabIndex={0}>
        <code className={language ? `hljs language-${language}` : 'hljs'}>
          {highlighted ?? code}
        </code>
      </pre>
    </div>
  );
});

/** The value once it has not changed for `ms` milliseconds. */
function useSettled<T>(value: T, ms: number): T | undefined {
  const [settled, setSettled] = useState<T | undefined>(undefined);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
