// Search across the user's messages (Ctrl/Cmd+K). Matches are marked with <mark> elements
// built from the server's highlight ranges: the snippet is never parsed as HTML.
import { useEffect, useId, useState } from 'react';
import { api } from '../api/client.js';
import type { SearchResult } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog } from '../lib/dialog.js';
import { navigate } from '../lib/router.js';
import { highlightSegments } from './highlight-segments.js';

/** The search dialog. */
export function SearchDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResult[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const listId = useId();

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setResults(undefined);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<{ results: SearchResult[] }>(`/api/search?q=${encodeURIComponent(q)}&limit=20`, {
        signal: controller.signal,
      }).then(
        (answer) => {
          setResults(answer.results);
          setError(undefined);
        },
        (caught: Error) => {
          if (!controller.signal.aborted) setError(caught.message);
        },
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  const open = (result: SearchResult) => {
    navigate({ name: 'chat', id: result.conversationId, messageId: result.messageId });
    onClose();
  };

  return (
    <Dialog title={t('searchChats')} onClose={onClose} className="search-dialog">
      <input
        type="search"
        className="search-input"
        aria-label={t('searchChats')}
        aria-controls={listId}
        placeholder={t('searchPlaceholder')}
        autoFocus
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          // A search field eats the first Escape (to clear itself): close at once instead.
          if (event.key === 'Escape') {
            event.preventDefault();
            onClose();
          }
        }}
      />
      {error ? (
        <p className="form-error" role="alert">
          {t('errorGeneric', { message: error })}
        </p>
      ) : null}
      <div role="status" className="visually-hidden">
        {results && results.length === 0 ? t('noResults') : ''}
      </div>
      {results && results.length === 0 ? <p className="muted">{t('noResults')}</p> : null}
      <ul id={listId} className="search-results" aria-label={t('searchResults')}>
        {(results ?? []).map((result) => (
          <li key={result.messageId}>
            <button type="button" onClick={() => open(result)}>
              <span className="search-title">{result.conversationTitle || t('untitled')}</span>
              <span className="search-snippet">
                {highlightSegments(result.snippet, result.highlights).map((segment, index) =>
                  segment.marked ? (
                    <mark key={index}>{segment.text}</mark>
                  ) : (
                    <span key={index}>{segment.text}</span>
                  ),
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
