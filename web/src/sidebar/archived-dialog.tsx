// Archived chats: open, unarchive or delete them.
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import type { Conversation } from '../api/types.js';
import { useConversations } from '../data/conversations.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog } from '../lib/dialog.js';
import { navigate } from '../lib/router.js';

/** The archived chats dialog. */
export function ArchivedDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const list = useConversations();
  const [items, setItems] = useState<Conversation[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api<{ items: Conversation[] }>('/api/conversations?archived=1&limit=100').then(
      (answer) => setItems(answer.items.filter((item) => item.archived)),
      (caught: Error) => setError(caught.message),
    );
  }, []);
  const act = async (conversation: Conversation, action: 'unarchive' | 'delete') => {
    try {
      if (action === 'unarchive') await list.update(conversation.id, { archived: false });
      else {
        const title = conversation.title || t('untitled');
        if (!confirm(t('confirmDelete', { title }))) return;
        await list.remove(conversation.id);
      }
      setItems((previous) => previous?.filter((item) => item.id !== conversation.id));
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <Dialog title={t('archivedChats')} onClose={onClose}>
      {error ? (
        <p className="form-error" role="alert">
          {t('errorGeneric', { message: error })}
        </p>
      ) : null}
      {!items ? <p className="muted">{t('loading')}</p> : null}
      {items?.length === 0 ? <p className="muted">{t('noArchived')}</p> : null}
      <ul className="archived-list">
        {items?.map((item) => (
          <li key={item.id}>
            <a
              href={`/c/${encodeURIComponent(item.id)}`}
              onClick={(event) => {
                event.preventDefault();
                navigate({ name: 'chat', id: item.id, messageId: null });
                onClose();
              }}
            >
              {item.title || t('untitled')}
            </a>
            <button type="button" onClick={() => void act(item, 'unarchive')}>
              {t('unarchive')}
            </button>
            <button type="button" className="danger" onClick={() => void act(item, 'delete')}>
              {t('delete')}
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
