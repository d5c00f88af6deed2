// Loads a module once on first need and re-renders its users when it arrives. The download
// starts after the next paint: a message shows its text first (code uncoloured, math as
// written), and compiling a large chunk (KaTeX, the highlighter) never delays that frame.
import { useEffect, useState } from 'react';
import { afterNextPaint } from '../lib/after-paint.js';

/** A module loaded on demand: the hook returns undefined until it has arrived. */
export interface LazyModuleHook<T> {
  (wanted: boolean): T | undefined;
  /** The module if it has arrived, for a decision taken before calling the hook. */
  loaded(): T | undefined;
}

/** Makes the hook of a module loaded on demand. */
export function lazyModule<T>(load: () => Promise<T>): LazyModuleHook<T> {
  let loaded: T | undefined;
  let pending: Promise<T> | undefined;
  function useLazyModule(wanted: boolean): T | undefined {
    const [module, setModule] = useState<T | undefined>(loaded);
    useEffect(() => {
      if (!wanted || module || loaded) return;
      let live = true;
      const cancel = afterNextPaint(() => {
        pending ??= load().then((value) => (loaded = value));
        pending.then(
          (value) => live && setModule(value),
          () => {
            pending = undefined;
          },
        );
      });
      return () => {
        live = false;
        cancel();
      };
    }, [wanted, module]);
    // Loaded for another user since this one mounted: no need to wait for a re-render.
    return module ?? loaded;
  }
  return Object.assign(useLazyModule, { loaded: () => loaded });
}
