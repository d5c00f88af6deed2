// The signed-in state: GET /api/auth/state on load, then setup, login, signup and logout.
// Keeps the CSRF token for the API client.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ReactNode } from 'react';
import { api, setCsrfToken, setUnauthorizedHandler } from '../api/client.js';
import { apiOrEarly, takeEarly } from '../api/early-fetch.js';
import type { AuthState, User } from '../api/types.js';

interface SessionValue {
  state: AuthState | undefined;
  loadError: Error | undefined;
  reload(): Promise<void>;
  setup(input: { email: string; password: string; displayName?: string }): Promise<void>;
  login(input: { email: string; password: string }): Promise<void>;
  signup(input: { email: string; password: string }): Promise<void>;
  logout(everywhere?: boolean): Promise<void>;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

/** Provides the session to the tree. */
export function SessionProvider({ children }: { children: ReactNode }) {
  // The early answer when it is already here: the first render is then the signed-in page.
  const [state, setState] = useState<AuthState | undefined>(() => {
    const early = takeEarly<AuthState>('/api/auth/state');
    if (early) setCsrfToken(early.csrfToken);
    return early;
  });
  const [loadError, setLoadError] = useState<Error | undefined>();
  const loadedEarly = useRef(state !== undefined);

  const reload = useCallback(async () => {
    try {
      const next = await apiOrEarly<AuthState>('/api/auth/state');
      setCsrfToken(next.csrfToken);
      setState(next);
      setLoadError(undefined);
    } catch (error) {
      setLoadError(error as Error);
    }
  }, []);

  useEffect(() => {
    if (loadedEarly.current) loadedEarly.current = false;
    else void reload();
    setUnauthorizedHandler(() => void reload());
    return () => setUnauthorizedHandler(undefined);
  }, [reload]);

  const signedIn = useCallback((answer: { user: User; csrfToken: string }) => {
    setCsrfToken(answer.csrfToken);
    setState((previous) => ({
      setupRequired: false,
      signupEnabled: previous?.signupEnabled ?? false,
      user: answer.user,
      csrfToken: answer.csrfToken,
    }));
  }, []);

  const value = useMemo<SessionValue>(
    () => ({
      state,
      loadError,
      reload,
      setup: async (input) =>
        signedIn(await api('/api/auth/setup', { method: 'POST', body: input })),
      login: async (input) =>
        signedIn(await api('/api/auth/login', { method: 'POST', body: input })),
      signup: async (input) =>
        signedIn(await api('/api/auth/signup', { method: 'POST', body: input })),
      logout: async (everywhere = false) => {
        await api(everywhere ? '/api/auth/logout-all' : '/api/auth/logout', { method: 'POST' });
        setCsrfToken(undefined);
        await reload();
      },
    }),
    [state, loadError, reload, signedIn],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** Whether a user may manage accounts, settings and models. */
export function isAdmin(user: User | null | undefined): boolean {
  return user?.role === 'owner' || user?.role === 'admin';
}
