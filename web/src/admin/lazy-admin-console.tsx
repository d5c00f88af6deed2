// The admin console as a chunk of its own, fetched when /admin is first opened: nobody else
// downloads it, and the chat's first load does not wait for it.
import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n.js';

const Console = lazy(() =>
  import('./admin-console.js').then((module) => ({ default: module.AdminConsole })),
);

/** The admin console, loaded on first render. */
export function LazyAdminConsole(props: { section: string | null; onOpenSidebar(): void }) {
  const { t } = useI18n();
  return (
    <Suspense
      fallback={
        <p className="center muted" role="status">
          {t('loading')}
        </p>
      }
    >
      <Console {...props} />
    </Suspense>
  );
}
