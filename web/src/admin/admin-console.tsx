// The admin console (/admin/:section): a navigation of sections beside the chosen one, for the
// organisation's owners and admins. Anyone else gets a plain refusal; the admin API refuses
// them too, so the check here only spares them a page of errors.
import { useEffect, useId } from 'react';
import { isAdmin, useSession } from '../auth/session.js';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../lib/icons.js';
import { navigate } from '../lib/router.js';
import { adminSections } from './admin-sections.js';
import { useAdminText } from './admin-text.js';
import './admin.css';

// The organisation whose owners and admins administer the whole instance.
const defaultOrgId = 'org_default';

/** The admin console page. */
export function AdminConsole({
  section,
  onOpenSidebar,
}: {
  section: string | null;
  onOpenSidebar(): void;
}) {
  const { t: tc } = useI18n();
  const t = useAdminText();
  const headingId = useId();
  const user = useSession().state?.user;
  const allowed = isAdmin(user);
  const instanceAdmin = allowed && user?.orgId === defaultOrgId;
  const sections = adminSections.filter((item) => instanceAdmin || !item.instanceOnly);
  const current = sections.find((item) => item.id === section) ?? sections[0]!;

  useEffect(() => {
    document.title = `${tc('adminConsole')} – Salon`;
  }, [tc]);

  return (
    <div className="chat-view admin-view">
      <header className="chat-header">
        <button
          type="button"
          className="icon-button sidebar-toggle"
          aria-label={tc('openSidebar')}
          title={tc('openSidebar')}
          onClick={onOpenSidebar}
        >
          <Icon name="menu" />
        </button>
        <h1 className="chat-title">{tc('adminConsole')}</h1>
      </header>
      {!allowed || !user ? (
        <div className="scroll-area">
          <div className="center" role="alert">
            <p>{t('notAllowed')}</p>
            <a href="/">{t('backToChat')}</a>
          </div>
        </div>
      ) : (
        <div className="admin-layout">
          <nav className="admin-nav" aria-label={t('adminSections')}>
            <ul>
              {sections.map((item) => (
                <li key={item.id}>
                  <a
                    href={`/admin/${item.id}`}
                    aria-current={item === current ? 'page' : undefined}
                    onClick={(event) => {
                      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
                        return;
                      }
                      event.preventDefault();
                      navigate({ name: 'admin', section: item.id });
                    }}
                  >
                    {t(item.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <section className="admin-section scroll-area" aria-labelledby={headingId}>
            <h2 id={headingId}>{t(current.label)}</h2>
            <current.Component key={current.id} selfId={user.id} instanceAdmin={instanceAdmin} />
          </section>
        </div>
      )}
    </div>
  );
}
