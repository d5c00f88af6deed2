// The invitation page (/invite/:token) as a chunk of its own: only invited people download it.
import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n.js';

const Page = lazy(() =>
  import('./invite-page.js').then((module) => ({ default: module.InvitePage })),
);

/** The invitation page, loaded on first render. */
export function LazyInvitePage({ token }: { token: string }) {
  const { t } = useI18n();
  return (
    <Suspense
      fallback={
        <p className="center muted" role="status">
          {t('loading')}
        </p>
      }
    >
      <Page token={token} />
    </Suspense>
  );
}
