// Light, dark or the system's choice, kept in localStorage and applied as <html data-theme>.
import { useCallback, useEffect, useState } from 'react';

/** A theme setting. */
export type ThemeSetting = 'system' | 'light' | 'dark';

const storageKey = 'salon.theme';
const darkQuery = '(prefers-color-scheme: dark)';

function savedTheme(): ThemeSetting {
  const saved = localStorage.getItem(storageKey);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

/** Applies a setting to the document; 'system' leaves it to the CSS media query. */
export function applyTheme(setting: ThemeSetting): void {
  if (setting === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = setting;
}

/** The theme setting, its setter and the theme in effect now. */
export function useTheme(): {
  setting: ThemeSetting;
  effective: 'light' | 'dark';
  setTheme(setting: ThemeSetting): void;
} {
  const [setting, setSetting] = useState<ThemeSetting>(savedTheme);
  const [systemDark, setSystemDark] = useState(() => matchMedia(darkQuery).matches);
  useEffect(() => {
    const query = matchMedia(darkQuery);
    const listener = () => setSystemDark(query.matches);
    query.addEventListener('change', listener);
    return () => query.removeEventListener('change', listener);
  }, []);
  useEffect(() => {
    applyTheme(setting);
    // Other tabs and components share the setting through storage events.
    const onStorage = (event: StorageEvent) => {
      if (event.key === storageKey) setSetting(savedTheme());
    };
    addEventListener('storage', onStorage);
    addEventListener('salon-theme', onStorage as EventListener);
    return () => {
      removeEventListener('storage', onStorage);
      removeEventListener('salon-theme', onStorage as EventListener);
    };
  }, [setting]);
  const setTheme = useCallback((next: ThemeSetting) => {
    if (next === 'system') localStorage.removeItem(storageKey);
    else localStorage.setItem(storageKey, next);
    setSetting(next);
    dispatchEvent(new StorageEvent('salon-theme', { key: storageKey }));
  }, []);
  const effective = setting === 'system' ? (systemDark ? 'dark' : 'light') : setting;
  return { setting, effective, setTheme };
}
