// The models the user can pick (aliases first, as the server orders them) and, when there
// is none, the server's hint.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api } from '../api/client.js';
import { firstPaintShown } from '../lib/first-paint.js';
import type { ModelEntry } from '../api/types.js';

interface ModelsValue {
  models: ModelEntry[] | undefined;
  hint: string | undefined;
  refresh(): Promise<void>;
}

const ModelsContext = createContext<ModelsValue | undefined>(undefined);
const lastModelKey = 'salon.model';

/** Provides the model list. */
export function ModelsProvider({ children }: { children: ReactNode }) {
  const [models, setModels] = useState<ModelEntry[] | undefined>();
  const [hint, setHint] = useState<string | undefined>();
  const refresh = useCallback(async () => {
    const answer = await api<{ models: ModelEntry[]; hint?: string }>('/api/models');
    setModels(answer.models);
    setHint(answer.hint);
  }, []);
  // Not before the first frame has been shown: a chat that opens paints without the list.
  useEffect(() => firstPaintShown(() => void refresh().catch(() => setModels([]))), [refresh]);
  const value = useMemo(() => ({ models, hint, refresh }), [models, hint, refresh]);
  return <ModelsContext.Provider value={value}>{children}</ModelsContext.Provider>;
}

/** The model list. */
export function useModels(): ModelsValue {
  const value = useContext(ModelsContext);
  if (!value) throw new Error('useModels outside ModelsProvider');
  return value;
}

/** The model a new chat starts with: the last one picked if it still exists, else the first. */
export function defaultModel(models: readonly ModelEntry[] | undefined): string | null {
  if (!models?.length) return null;
  const last = localStorage.getItem(lastModelKey);
  if (last && models.some((model) => model.id === last)) return last;
  return models[0]?.id ?? null;
}

/** Remembers the model picked last, for the next new chat. */
export function rememberModel(model: string): void {
  localStorage.setItem(lastModelKey, model);
}
