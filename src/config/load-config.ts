import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../lib/errors.js';
import { interpolate } from './interpolate.js';
import { configSchema, providerTypes, type SalonConfig } from './schema.js';

/** Reads, interpolates and validates a salon.yaml; every problem is a ConfigError naming the key. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): SalonConfig {
  if (!existsSync(file)) throw new ConfigError(`config file not found: ${file}`);
  const config = parseConfig(readFileSync(file, 'utf8'), env, file);
  return resolvePaths(config, path.dirname(path.resolve(file)));
}

/** Parses and validates salon.yaml text (paths stay as written). */
export function parseConfig(
  text: string,
  env: NodeJS.ProcessEnv,
  source = 'salon.yaml',
): SalonConfig {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message : String(error);
    throw new ConfigError(`${source}: invalid YAML: ${detail}`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source}: the top level must be a mapping with providers and models`);
  }
  checkProviderTypes(raw as Record<string, unknown>, source);
  const result = configSchema.safeParse(interpolate(raw, env));
  if (!result.success) throw new ConfigError(`${source}: ${describeIssues(result.error)}`);
  checkReferences(result.data, source);
  return result.data;
}

function checkProviderTypes(raw: Record<string, unknown>, source: string): void {
  const providers = raw.providers;
  if (!providers || typeof providers !== 'object') return;
  for (const [name, provider] of Object.entries(providers)) {
    const type = (provider as { type?: unknown } | null)?.type;
    if (type === undefined) {
      throw new ConfigError(
        `${source}: providers.${name}.type: missing (one of ${providerTypes.join(', ')})`,
      );
    }
    if (!providerTypes.includes(type as never)) {
      throw new ConfigError(
        `${source}: providers.${name}.type: unknown provider type '${String(type)}' (one of ${providerTypes.join(', ')})`,
      );
    }
  }
}

function checkReferences(config: SalonConfig, source: string): void {
  const names = new Set<string>();
  config.models.forEach((model, i) => {
    if (names.has(model.name)) {
      throw new ConfigError(`${source}: models[${i}].name: duplicate model name '${model.name}'`);
    }
    names.add(model.name);
    model.targets.forEach((target, j) => {
      if (!config.providers[target.provider]) {
        throw new ConfigError(
          `${source}: models[${i}].targets[${j}].provider: unknown provider '${target.provider}'`,
        );
      }
    });
  });
  config.models.forEach((model, i) => {
    model.fallbacks?.forEach((fallback, j) => {
      if (!names.has(fallback)) {
        throw new ConfigError(
          `${source}: models[${i}].fallbacks[${j}]: unknown model '${fallback}'`,
        );
      }
    });
  });
}

function resolvePaths(config: SalonConfig, baseDir: string): SalonConfig {
  for (const provider of Object.values(config.providers)) {
    if (provider.type === 'llama') provider.model_path = path.resolve(baseDir, provider.model_path);
  }
  return config;
}

/** One line per zod issue: `key.path: message`. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path
        .map((part, i) =>
          typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`,
        )
        .join('');
      if (issue.code === 'unrecognized_keys') {
        return `${key ? key + ': ' : ''}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
      }
      if (issue.code === 'invalid_type' && issue.input === undefined) return `${key}: required`;
      return `${key || 'config'}: ${issue.message}`;
    })
    .join('; ');
}
