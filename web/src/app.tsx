// The app: the public share and invitation pages, or the session gate (setup / sign-in) and the
// chat shell (chat, arena, leaderboard, admin console).
import { useCallback, useEffect, useRef, useState } from 'react';
import { LazyAdminConsole } from './admin/lazy-admin-console.js';
import { LazyArena } from './arena/lazy-arena.js';
import { AuthScreen } from './auth/auth-screen.js';
import { useSession } from './auth/session.js';
import { ChatView } from './chat/chat-view.js';
import type { ComposerHandle } from './chat/composer.js';
import { ConversationsProvider } from './data/conversations.js';
import { ModelsProvider } from './data/models.js';
import { useI18n } from './i18n/i18n.js';
import { LazyInvitePage } from './invite/lazy-invite-page.js';
import { LazyLeaderboard } from './leaderboard/lazy-leaderboard.js';
import { navigate, useRoute } from './lib/router.js';
import { useTheme } from './lib/theme.js';
import { SettingsDialog } from './settings/settings-dialog.js';
import { SharePage } from './share/share-page.js';
import { ArchivedDialog } from './sidebar/archived-dialog.js';
import { SearchDialog } from './sidebar/search-dialog.js';
import { Sidebar } from './sidebar/sidebar.js';

/** The root component. */
export function App() {
  const route = useRoute();
  useTheme();
  if (route.name === 'share') return <SharePage shareId={route.id} />;
  if (route.name === 'invite') return <LazyInvitePage token={route.token} />;
  return <SessionGate />;
}

function SessionGate() {
  const { t } = useI18n();
  const { state, loadError, reload } = useSession();
  if (!state) {
    return (
      <main className="center-screen">
        {loadError ? (
          <div role="alert">
            <p>{t('errorGeneric', { message: loadError.message })}</p>
            <button type="button" onClick={() => void reload()}>
              {t('retry')}
            </button>
          </div>
        ) : (
          <p className="muted" role="status">
            {t('loading')}
          </p>
        )}
      </main>
    );
  }
  if (!state.user) return <AuthScreen />;
  return (
    <ConversationsProvider key={state.user.id}>
      <ModelsProvider>
        <Shell />
      </ModelsProvider>
    </ConversationsProvider>
  );
}

type DialogName = 'search' | 'settings' | 'archived';

function Shell() {
  const route = useRoute();
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const composer = useRef<ComposerHandle>(null);

  const newChat = useCallback(() => {
    navigate({ name: 'home' });
    setSidebarOpen(false);
    setDialog(null);
    requestAnimationFrame(() => composer.current?.focus());
  }, []);

  const openDialog = (name: DialogName) => {
    setSidebarOpen(false);
    setDialog(name);
  };

  // The drawer closes with Escape, and by itself when the screen grows past the breakpoint.
  useEffect(() => {
    if (!sidebarOpen) return;
    const wide = matchMedia('(min-width: 769px)');
    const close = () => setSidebarOpen(false);
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !document.querySelector('dialog[open]')) close();
    };
    wide.addEventListener('change', close);
    addEventListener('keydown', onKey);
    return () => {
      wide.removeEventListener('change', close);
      removeEventListener('keydown', onKey);
    };
  }, [sidebarOpen]);

  // Ctrl/Cmd+Shift+O: new chat; Ctrl/Cmd+K: search.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (!mod || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === 'o' && event.shiftKey) {
        event.preventDefault();
        newChat();
      } else if (key === 'k' && !event.shiftKey) {
        event.preventDefault();
        setSidebarOpen(false);
        setDialog('search');
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [newChat]);

  const chatId = route.name === 'chat' ? route.id : null;
  return (
    <div className={`app${sidebarOpen ? ' sidebar-open' : ''}`}>
      <Sidebar
        open={sidebarOpen}
        activeId={chatId}
        onClose={() => setSidebarOpen(false)}
        onNewChat={newChat}
        onSearch={() => openDialog('search')}
        onSettings={() => openDialog('settings')}
        onArchived={() => openDialog('archived')}
      />
      {sidebarOpen ? (
        <div className="scrim" aria-hidden="true" onClick={() => setSidebarOpen(false)} />
      ) : null}
      {/* While the drawer covers it (narrow screens), the page behind is out of reach. */}
      <main className="main" inert={sidebarOpen}>
        {route.name === 'arena' ? (
          <LazyArena
            battleId={route.battleId}
            onOpenSidebar={() => setSidebarOpen(true)}
            composerRef={composer}
          />
        ) : route.name === 'leaderboard' ? (
          <LazyLeaderboard onOpenSidebar={() => setSidebarOpen(true)} />
        ) : route.name === 'admin' ? (
          <LazyAdminConsole section={route.section} onOpenSidebar={() => setSidebarOpen(true)} />
        ) : (
          <ChatView
            conversationId={chatId}
            focusMessageId={route.name === 'chat' ? route.messageId : null}
            onOpenSidebar={() => setSidebarOpen(true)}
            composerRef={composer}
          />
        )}
      </main>
      {dialog === 'search' ? <SearchDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'settings' ? <SettingsDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'archived' ? <ArchivedDialog onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
