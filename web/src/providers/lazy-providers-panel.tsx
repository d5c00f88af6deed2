// The providers panel as a chunk of its own, fetched the first time an owner or admin needs it
// (the no-model screen or settings), so that the first load stays small for everyone.
import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n.js';

const Panel = lazy(() =>
  import('./providers-panel.js').then((module) => ({ default: module.ProvidersPanel })),
);

/** The providers list and "Connect a provider" form, loaded on first render. */
export function LazyProvidersPanel({ level }: { level?: 3 | 4 }) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<p className="muted">{t('loading')}</p>}>
      <Panel level={level} />
    </Suspense>
  );
}
