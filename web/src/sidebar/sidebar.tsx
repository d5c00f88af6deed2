// The sidebar: new chat, search, folders, pinned chats, then chats by date (Today,
// Yesterday, Previous 7 days, Older), archived chats and settings.
import { useId, useState } from 'react';
import type { Conversation, Folder } from '../api/types.js';
import { isAdmin, useSession } from '../auth/session.js';
import { useConversations } from '../data/conversations.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { Icon } from '../lib/icons.js';
import { MenuButton } from '../lib/menu.js';
import { navigate, useRoute } from '../lib/router.js';
import { useTheme } from '../lib/theme.js';
import { ConversationRow } from './conversation-row.js';
import { groupByDate } from './date-groups.js';
import { InlineNameForm } from './inline-name-form.js';

/** The sidebar; on narrow screens a drawer that onClose hides. */
export function Sidebar({
  open,
  activeId,
  onClose,
  onNewChat,
  onSearch,
  onSettings,
  onArchived,
}: {
  open: boolean;
  activeId: string | null;
  onClose(): void;
  onNewChat(): void;
  onSearch(): void;
  onSettings(): void;
  onArchived(): void;
}) {
  const { t } = useI18n();
  const list = useConversations();
  const theme = useTheme();
  const admin = isAdmin(useSession().state?.user);
  const [error, setError] = useState<string | undefined>();
  const [creatingFolder, setCreatingFolder] = useState(false);
  const shortcut = navigator.platform.startsWith('Mac') ? '⌘' : 'Ctrl+';

  const pinned = list.items.filter((item) => item.pinned);
  const inFolders = new Map<string, Conversation[]>();
  const loose: Conversation[] = [];
  for (const item of list.items) {
    if (item.pinned) continue;
    const folder = item.folderId && list.folders.some((f) => f.id === item.folderId);
    if (folder && item.folderId)
      inFolders.set(item.folderId, [...(inFolders.get(item.folderId) ?? []), item]);
    else loose.push(item);
  }
  const rows = (items: Conversation[]) =>
    items.map((item) => (
      <ConversationRow
        key={item.id}
        conversation={item}
        active={item.id === activeId}
        onOpen={onClose}
        onError={setError}
      />
    ));
  const nextTheme = theme.effective === 'dark' ? 'light' : 'dark';

  return (
    <aside className={`sidebar${open ? ' open' : ''}`} aria-label={t('sidebar')}>
      <div className="sidebar-top">
        <a
          className="logo"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            onNewChat();
          }}
        >
          <img src="/favicon.svg" alt="" width="24" height="24" />
          Salon
        </a>
        <button
          type="button"
          className="icon-button sidebar-close"
          aria-label={t('closeSidebar')}
          title={t('closeSidebar')}
          onClick={onClose}
        >
          <Icon name="close" />
        </button>
      </div>
      <div className="sidebar-actions">
        <button type="button" className="sidebar-button" onClick={onNewChat}>
          <Icon name="plus" />
          <span>{t('newChat')}</span>
          <kbd aria-hidden="true">{shortcut}⇧O</kbd>
        </button>
        <button type="button" className="sidebar-button" onClick={onSearch}>
          <Icon name="search" />
          <span>{t('search')}</span>
          <kbd aria-hidden="true">{shortcut}K</kbd>
        </button>
        <PageLink route="arena" icon="arena" label={t('arena')} onOpen={onClose} />
        <PageLink route="leaderboard" icon="trophy" label={t('leaderboard')} onOpen={onClose} />
        {admin ? (
          <PageLink route="admin" icon="shield" label={t('adminConsole')} onOpen={onClose} />
        ) : null}
      </div>
      <nav className="conversation-nav" aria-label={t('conversations')}>
        {error ? (
          <p className="form-error" role="alert">
            {t('errorGeneric', { message: error })}
          </p>
        ) : null}
        {pinned.length > 0 ? <Group title={t('pinned')}>{rows(pinned)}</Group> : null}
        <section className="conversation-group" aria-labelledby="folders-heading">
          <div className="group-heading">
            <h2 id="folders-heading">{t('folders')}</h2>
            <button
              type="button"
              className="icon-button small"
              aria-label={t('newFolder')}
              title={t('newFolder')}
              onClick={() => setCreatingFolder(true)}
            >
              <Icon name="plus" />
            </button>
          </div>
          {creatingFolder ? (
            <InlineNameForm
              label={t('folderName')}
              initial=""
              onCancel={() => setCreatingFolder(false)}
              onSave={(name) => {
                setCreatingFolder(false);
                list.createFolder(name).catch((caught: Error) => setError(caught.message));
              }}
            />
          ) : null}
          {list.folders.map((folder) => (
            <FolderSection key={folder.id} folder={folder} onError={setError}>
              {rows(inFolders.get(folder.id) ?? [])}
            </FolderSection>
          ))}
        </section>
        {groupByDate(loose, (item) => item.lastActivityAt).map(({ group, items }) => (
          <Group key={group} title={t(group as MessageKey)}>
            {rows(items)}
          </Group>
        ))}
        {list.hasMore ? (
          <button type="button" className="text-button" onClick={() => void list.loadMore()}>
            {t('loadMore')}
          </button>
        ) : null}
      </nav>
      <div className="sidebar-bottom">
        <button type="button" className="sidebar-button" onClick={onArchived}>
          <Icon name="archive" />
          <span>{t('archivedChats')}</span>
        </button>
        <div className="sidebar-row">
          <button type="button" className="sidebar-button" onClick={onSettings}>
            <Icon name="settings" />
            <span>{t('settings')}</span>
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={t('toggleTheme', {
              theme: t(nextTheme === 'dark' ? 'themeDark' : 'themeLight').toLowerCase(),
            })}
            title={t('theme')}
            onClick={() => theme.setTheme(nextTheme)}
          >
            <Icon name={theme.effective === 'dark' ? 'sun' : 'moon'} />
          </button>
        </div>
      </div>
    </aside>
  );
}

// A page of the app beside the chats (real links: they open in a new tab too).
function PageLink({
  route,
  icon,
  label,
  onOpen,
}: {
  route: 'arena' | 'leaderboard' | 'admin';
  icon: 'arena' | 'trophy' | 'shield';
  label: string;
  onOpen(): void;
}) {
  const current = useRoute().name === route;
  return (
    <a
      className="sidebar-button"
      href={`/${route}`}
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(
          route === 'arena'
            ? { name: route, battleId: null }
            : route === 'admin'
              ? { name: route, section: null }
              : { name: route },
        );
        onOpen();
      }}
    >
      <Icon name={icon} />
      <span>{label}</span>
    </a>
  );
}

function Group({ title, children }: { title: string; children: React.ReactNode }) {
  const id = useId();
  return (
    <section className="conversation-group" aria-labelledby={id}>
      <h2 id={id} className="group-heading">
        {title}
      </h2>
      <ul>{children}</ul>
    </section>
  );
}

function FolderSection({
  folder,
  children,
  onError,
}: {
  folder: Folder;
  children: React.ReactNode;
  onError(message: string): void;
}) {
  const { t } = useI18n();
  const list = useConversations();
  const [renaming, setRenaming] = useState(false);
  const [open, setOpen] = useState(true);
  const listId = useId();
  return (
    <div className="folder">
      <div className="folder-header">
        {renaming ? (
          <InlineNameForm
            label={t('folderName')}
            initial={folder.name}
            onCancel={() => setRenaming(false)}
            onSave={(name) => {
              setRenaming(false);
              list.renameFolder(folder.id, name).catch((error: Error) => onError(error.message));
            }}
          />
        ) : (
          <button
            type="button"
            className="folder-toggle"
            aria-expanded={open}
            aria-controls={listId}
            onClick={() => setOpen((value) => !value)}
          >
            <Icon name="folder" />
            <span className="folder-name">{folder.name}</span>
          </button>
        )}
        <MenuButton
          label={t('actionsFor', { title: folder.name })}
          icon={<Icon name="more" />}
          entries={[
            { label: t('renameFolder'), onSelect: () => setRenaming(true) },
            {
              label: t('deleteFolder'),
              danger: true,
              onSelect: () =>
                void list.deleteFolder(folder.id).catch((error: Error) => onError(error.message)),
            },
          ]}
        />
      </div>
      <ul id={listId} hidden={!open}>
        {children}
      </ul>
    </div>
  );
}

/** Starts a new chat. */
export function goToNewChat(): void {
  navigate({ name: 'home' });
}
