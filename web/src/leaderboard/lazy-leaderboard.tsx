// The leaderboard page as a chunk of its own (with Chart.js), fetched when it is first opened.
import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n.js';

const Page = lazy(() =>
  import('./leaderboard-page.js').then((module) => ({ default: module.LeaderboardPage })),
);

/** The leaderboard, loaded on first render. */
export function LazyLeaderboard(props: { onOpenSidebar(): void }) {
  const { t } = useI18n();
  return (
    <Suspense
      fallback={
        <p className="center muted" role="status">
          {t('loading')}
        </p>
      }
    >
      <Page {...props} />
    </Suspense>
  );
}
