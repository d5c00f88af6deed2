// Settings: account (sign out, sign out everywhere), the user's shared links, language, theme,
// shortcuts, and for owners and admins a link to the admin console, the accounts (roles, deletion, creation, the sign-up
// switch) and providers.
import { useId, useState } from 'react';
import { isAdmin, useSession } from '../auth/session.js';
import { useI18n } from '../i18n/i18n.js';
import type { Language } from '../i18n/i18n.js';
import { Dialog } from '../lib/dialog.js';
import { LazyProvidersPanel } from '../providers/lazy-providers-panel.js';
import { navigate } from '../lib/router.js';
import { useTheme } from '../lib/theme.js';
import type { ThemeSetting } from '../lib/theme.js';
import { AccountsSection } from './accounts-section.js';
import { SharedLinksSection } from './shared-links-section.js';

/** The settings dialog. */
export function SettingsDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const { state } = useSession();
  return (
    <Dialog title={t('settings')} onClose={onClose} className="settings-dialog">
      <AccountSection />
      <SharedLinksSection />
      <AppearanceSection />
      <ShortcutsSection />
      {isAdmin(state?.user) ? (
        <>
          <p className="settings-section">
            <a
              href="/admin"
              onClick={(event) => {
                if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
                event.preventDefault();
                onClose();
                navigate({ name: 'admin', section: null });
              }}
            >
              {t('adminConsole')}
            </a>
          </p>
          <AccountsSection />
          <ProvidersSection />
        </>
      ) : null}
    </Dialog>
  );
}

function AccountSection() {
  const { t } = useI18n();
  const session = useSession();
  const [error, setError] = useState<string | undefined>();
  const logout = (everywhere: boolean) =>
    void session.logout(everywhere).catch((caught: Error) => setError(caught.message));
  return (
    <section className="settings-section" aria-labelledby="settings-account">
      <h3 id="settings-account">{t('account')}</h3>
      <p>{t('signedInAs', { email: session.state?.user?.email ?? '' })}</p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form-actions start">
        <button type="button" onClick={() => logout(false)}>
          {t('signOut')}
        </button>
        <button type="button" onClick={() => logout(true)}>
          {t('signOutEverywhere')}
        </button>
      </div>
    </section>
  );
}

function AppearanceSection() {
  const { t, language, setLanguage } = useI18n();
  const theme = useTheme();
  const languageId = useId();
  const themeId = useId();
  return (
    <section className="settings-section" aria-labelledby="settings-appearance">
      <h3 id="settings-appearance">{t('appearance')}</h3>
      <div className="field-row">
        <label htmlFor={languageId}>{t('language')}</label>
        <select
          id={languageId}
          value={language}
          onChange={(event) => setLanguage(event.target.value as Language)}
        >
          <option value="en" lang="en">
            English
          </option>
          <option value="fr" lang="fr">
            Français
          </option>
        </select>
      </div>
      <div className="field-row">
        <label htmlFor={themeId}>{t('theme')}</label>
        <select
          id={themeId}
          value={theme.setting}
          onChange={(event) => theme.setTheme(event.target.value as ThemeSetting)}
        >
          <option value="system">{t('themeSystem')}</option>
          <option value="light">{t('themeLight')}</option>
          <option value="dark">{t('themeDark')}</option>
        </select>
      </div>
    </section>
  );
}

function ShortcutsSection() {
  const { t } = useI18n();
  const mod = navigator.platform.startsWith('Mac') ? '⌘' : 'Ctrl';
  return (
    <section className="settings-section" aria-labelledby="settings-shortcuts">
      <h3 id="settings-shortcuts">{t('keyboardShortcuts')}</h3>
      <dl className="shortcuts">
        <dt>
          <kbd>{mod}</kbd>+<kbd>Shift</kbd>+<kbd>O</kbd>
        </dt>
        <dd>{t('shortcutNewChat')}</dd>
        <dt>
          <kbd>{mod}</kbd>+<kbd>K</kbd>
        </dt>
        <dd>{t('shortcutSearch')}</dd>
        <dt>
          <kbd>Esc</kbd>
        </dt>
        <dd>{t('shortcutStop')}</dd>
      </dl>
    </section>
  );
}

function ProvidersSection() {
  const { t } = useI18n();
  return (
    <section className="settings-section" aria-labelledby="settings-providers">
      <h3 id="settings-providers">{t('providers')}</h3>
      <LazyProvidersPanel level={4} />
    </section>
  );
}
