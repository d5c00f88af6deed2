// Loads a module once on first need and re-renders its users when it arrives.
import { useEffect, useState } from 'react';

/** A module loaded on demand: the hook returns undefined until it has arrived. */
export function lazyModule<T>(load: () => Promise<T>): (wanted: boolean) => T | undefined {
  let loaded: T | undefined;
  let pending: Promise<T> | undefined;
  return function useLazyModule(wanted: boolean): T | undefined {
    const [module, setModule] = useState<T | undefined>(loaded);
    useEffect(() => {
      if (!wanted || module) return;
      let live = true;
      pending ??= load().then((value) => (loaded = value));
      pending.then(
        (value) => live && setModule(value),
        () => {
          pending = undefined;
        },
      );
      return () => {
        live = false;
      };
    }, [wanted, module]);
    return module;
  };
}
