// Loading one admin API answer for a section, and running the section's changes: both keep the
// server's error message for the section's alert.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.js';

/** A GET answer with its error, a way to ask again, and a setter for local updates. */
export interface AdminData<T> {
  data: T | undefined;
  error: string | undefined;
  reload(): void;
  setData(update: (previous: T | undefined) => T | undefined): void;
}

/** GETs `path` (nothing while it is null), again whenever reload() is called. */
export function useAdminData<T>(path: string | null): AdminData<T> {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    api<T>(path, { signal: controller.signal }).then(
      (answer) => {
        setData(answer);
        setError(undefined);
      },
      (caught: Error) => {
        if (!controller.signal.aborted) setError(caught.message);
      },
    );
    return () => controller.abort();
  }, [path, version]);
  const reload = useCallback(() => setVersion((value) => value + 1), []);
  return { data, error, reload, setData };
}

/** A section's changes: one at a time, with the last error and the last notice. */
export interface AdminAction {
  busy: boolean;
  error: string | undefined;
  notice: string | undefined;
  /** Runs `action`; its resolved string (if any) becomes the notice, a rejection the error. */
  run(action: () => Promise<string | void>): Promise<boolean>;
  /** Shows a notice (after a change a confirmation dialog made). */
  announce(message: string): void;
}

/** State for running a section's changes. */
export function useAdminAction(): AdminAction {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const run = useCallback(async (action: () => Promise<string | void>) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const message = await action();
      if (message) setNotice(message);
      return true;
    } catch (caught) {
      setError((caught as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const announce = useCallback((message: string) => {
    setError(undefined);
    setNotice(message);
  }, []);
  return { busy, error, notice, run, announce };
}
