// The arena screen as a chunk of its own, fetched when the arena is first opened.
import { lazy, Suspense } from 'react';
import type { ComposerHandle } from '../chat/composer.js';
import { useI18n } from '../i18n/i18n.js';

const View = lazy(() =>
  import('./arena-view.js').then((module) => ({ default: module.ArenaView })),
);

/** The arena, loaded on first render. */
export function LazyArena(props: {
  battleId: string | null;
  onOpenSidebar(): void;
  composerRef: React.RefObject<ComposerHandle | null>;
}) {
  const { t } = useI18n();
  return (
    <Suspense
      fallback={
        <p className="center muted" role="status">
          {t('loading')}
        </p>
      }
    >
      <View {...props} />
    </Suspense>
  );
}
