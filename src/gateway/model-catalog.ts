// Which model names Salon serves and where each goes: salon.yaml's `models`, plus the
// GGUF files found on disk (SALON_MODEL and <data-dir>/models), each under its file name.
import path from 'node:path';
import type { PriceConfig, ProviderConfig, SalonConfig, TargetConfig } from '../config/schema.js';

/** A model name clients can send, and where it goes. */
export interface ModelRoute {
  name: string;
  targets: TargetConfig[];
  fallbacks: string[];
  /** How targets are picked (config `balance`); `latency` when unset. */
  balance?: 'latency' | 'weighted';
  /** The price of targets that do not give their own. */
  price?: PriceConfig;
  /** For an alias like `small`: the model it stands for. */
  aliasOf?: string;
}

/** Providers and routes after merging config with the files found on disk. */
export interface ModelCatalog {
  providers: Record<string, ProviderConfig>;
  routes: ModelRoute[];
}

/** A GGUF file found on disk. */
export interface LocalModelFile {
  id: string;
  path: string;
}

/** The alias SALON_MODEL (or else the first file found) gets unless the config defines it. */
export const defaultAlias = 'small';

/** Merges salon.yaml with GGUF files: the config wins on every name it defines. */
export function buildCatalog(
  config: Pick<SalonConfig, 'providers' | 'models'>,
  files: { modelFile?: string; localModels?: LocalModelFile[] },
): ModelCatalog {
  const providers: Record<string, ProviderConfig> = { ...config.providers };
  const routes: ModelRoute[] = config.models.map((model) => ({
    name: model.name,
    targets: model.targets,
    fallbacks: model.fallbacks ?? [],
    balance: model.balance,
    price: model.price,
  }));
  const taken = new Set(routes.map((route) => route.name));
  const found: LocalModelFile[] = [
    ...(files.modelFile ? [{ id: fileId(files.modelFile), path: files.modelFile }] : []),
    ...(files.localModels ?? []),
  ];
  for (const file of found) {
    if (taken.has(file.id)) continue;
    taken.add(file.id);
    const providerName = providers[file.id] ? `file:${file.id}` : file.id;
    providers[providerName] = { type: 'llama', model_path: file.path };
    routes.push({ name: file.id, targets: [{ provider: providerName }], fallbacks: [] });
  }
  const first = found.find((file) => routes.some((route) => route.name === file.id));
  if (first && !taken.has(defaultAlias)) {
    const target = routes.find((route) => route.name === first.id)!;
    routes.unshift({ ...target, name: defaultAlias, aliasOf: first.id });
  }
  return { providers, routes };
}

/** A model file's name without directory and `.gguf`. */
export function fileId(file: string): string {
  return path.basename(file).replace(/\.gguf$/i, '');
}
