// The public, read-only page of a shared conversation (/s/:id): no sign-in needed.
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.js';
import type { Message } from '../api/types.js';
import { MessageList } from '../chat/message-list.js';
import { buildTree } from '../chat/message-tree.js';
import { useI18n } from '../i18n/i18n.js';

const noLive: ReadonlyMap<string, string> = new Map();

/** Renders a shared conversation. */
export function SharePage({ shareId }: { shareId: string }) {
  const { t } = useI18n();
  const [shared, setShared] = useState<{ title: string | null; messages: Message[] } | undefined>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    api<{ title: string | null; messages: Message[] }>(
      `/api/shares/${encodeURIComponent(shareId)}`,
    ).then(setShared, () => setFailed(true));
  }, [shareId]);
  const tree = useMemo(() => buildTree(shared?.messages ?? []), [shared]);
  const title = shared?.title || t('sharedConversation');
  useEffect(() => {
    document.title = `${title} – Salon`;
  }, [title]);

  return (
    <div className="share-page">
      <header className="chat-header">
        <h1 className="chat-title">{title}</h1>
        <span className="badge">{t('readOnly')}</span>
        <a className="text-button" href="/">
          {t('openSalon')}
        </a>
      </header>
      <main className="chat-body">
        {failed ? (
          <p className="center">{t('shareNotFound')}</p>
        ) : !shared ? (
          <p className="center muted" role="status">
            {t('loading')}
          </p>
        ) : (
          <MessageList
            path={shared.messages}
            tree={tree}
            live={noLive}
            readOnly
            focusMessageId={null}
            actions={undefined}
          />
        )}
      </main>
    </div>
  );
}
