// node-llama-cpp, loaded on first use: importing it loads a native addon, which the CLI and
// most tests never need. Everything else in the engine refers to it by type only.
import type * as NodeLlamaCpp from 'node-llama-cpp';
import type { Llama } from 'node-llama-cpp';

/** The node-llama-cpp module, as `import()` returns it. */
export type NodeLlamaCppModule = typeof NodeLlamaCpp;

let loadingModule: Promise<NodeLlamaCppModule> | undefined;
const llamas = new Map<'auto' | false, Promise<Llama>>();

/** Imports node-llama-cpp once. */
export function importNodeLlamaCpp(): Promise<NodeLlamaCppModule> {
  loadingModule ??= import('node-llama-cpp');
  return loadingModule;
}

/** The one `Llama` (backend binding) per GPU mode, shared by every model of the process. */
export function sharedLlama(gpu: 'auto' | false): Promise<Llama> {
  let loading = llamas.get(gpu);
  if (!loading) {
    loading = importNodeLlamaCpp().then(({ getLlama }) =>
      getLlama({
        gpu,
        // Prebuilt binaries ship with the package; compiling llama.cpp needs a network and minutes.
        build: 'never',
        // No process-wide thread budget: each context runs exactly the threads it asks for
        // (see threads.ts), instead of node-llama-cpp's default of max(cores, 4), which
        // oversubscribes small machines.
        maxThreads: 0,
      }),
    );
    loading.catch(() => llamas.delete(gpu)); // a failed start may be retried
    llamas.set(gpu, loading);
  }
  return loading;
}
