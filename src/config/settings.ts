import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../lib/errors.js';
import { parseUpstreamAllowEntry } from '../lib/upstream-allow-list.js';
import { loadConfigFile } from './load-config.js';
import { emptyConfig, type SalonConfig } from './schema.js';

/** Everything a Salon process needs to start, from flags, env and salon.yaml. */
export interface Settings {
  port: number;
  host: string;
  dataDir: string;
  /** The salon.yaml in use, if any. */
  configFile?: string;
  config: SalonConfig;
  /** PostgreSQL URL; SQLite in the data dir otherwise. */
  databaseUrl?: string;
  /** Redis URL; the in-process bus otherwise. */
  redisUrl?: string;
  /** Master key for secrets at rest. */
  secret?: string;
  /** A GGUF file served on the embedded engine (SALON_MODEL). */
  modelFile?: string;
  /** CPU threads for the embedded engine (SALON_THREADS), else chosen from the core count. */
  threads?: number;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  adminEmail?: string;
  adminPassword?: string;
  /**
   * Where browsers reach Salon (SALON_PUBLIC_URL, no trailing slash), e.g. for the single sign-on
   * redirect URI; derived from each request when unset.
   */
  publicUrl?: string;
  /** How long a graceful shutdown may take before the process exits (SALON_SHUTDOWN_TIMEOUT). */
  shutdownTimeoutMs: number;
  /**
   * How often this replica renews the leases of the replies it generates (SALON_RUN_HEARTBEAT,
   * seconds); another replica takes a reply over after three missed renewals.
   */
  runHeartbeatMs: number;
  /** SALON_UPSTREAM_ALLOW's entries, added to salon.yaml's `security.upstream_allow`. */
  upstreamAllowEnv: string[];
}

/** Command-line flags that override the environment. */
export interface SettingsFlags {
  port?: string | number;
  host?: string;
  config?: string;
  dataDir?: string;
}

/** Resolves settings: flags win over env, env over defaults (DESIGN.md, "Contracts"). */
export function resolveSettings(
  flags: SettingsFlags = {},
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const port = parseInteger(flags.port ?? env.SALON_PORT ?? 8080, 'port (--port / SALON_PORT)');
  if (port < 0 || port > 65535) throw new ConfigError(`port: ${port} is not a valid TCP port`);
  const dataDir = path.resolve(flags.dataDir ?? env.SALON_DATA_DIR ?? '.salon');
  const explicitConfig = flags.config ?? env.SALON_CONFIG;
  const configFile = explicitConfig ?? (existsSync('salon.yaml') ? 'salon.yaml' : undefined);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL: must start with postgres:// or postgresql://');
  }
  const modelFile = env.SALON_MODEL ? path.resolve(env.SALON_MODEL) : undefined;
  if (modelFile && !existsSync(modelFile)) {
    throw new ConfigError(`SALON_MODEL: file not found: ${modelFile}`);
  }
  return {
    port,
    host: flags.host ?? env.SALON_HOST ?? '127.0.0.1',
    dataDir,
    configFile: configFile && path.resolve(configFile),
    config: configFile ? loadConfigFile(configFile, env) : emptyConfig(),
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    secret: env.SALON_SECRET || undefined,
    modelFile,
    threads: env.SALON_THREADS ? parseInteger(env.SALON_THREADS, 'SALON_THREADS') : undefined,
    bodyLimit: parseInteger(env.SALON_BODY_LIMIT ?? 4 * 1024 * 1024, 'SALON_BODY_LIMIT'),
    adminEmail: env.SALON_ADMIN_EMAIL || undefined,
    adminPassword: env.SALON_ADMIN_PASSWORD || undefined,
    publicUrl: env.SALON_PUBLIC_URL ? parsePublicUrl(env.SALON_PUBLIC_URL) : undefined,
    shutdownTimeoutMs: parseSeconds(env.SALON_SHUTDOWN_TIMEOUT ?? '10', 'SALON_SHUTDOWN_TIMEOUT'),
    runHeartbeatMs: parseSeconds(env.SALON_RUN_HEARTBEAT ?? '5', 'SALON_RUN_HEARTBEAT', 0.1),
    upstreamAllowEnv: parseUpstreamAllow(env.SALON_UPSTREAM_ALLOW ?? ''),
  };
}

/** The allow-list in force: salon.yaml's `security.upstream_allow`, then SALON_UPSTREAM_ALLOW's. */
export function upstreamAllow(
  config: SalonConfig,
  settings: Pick<Settings, 'upstreamAllowEnv'>,
): string[] {
  return [...config.security.upstream_allow, ...settings.upstreamAllowEnv];
}

// Comma-separated entries; each checked as salon.yaml's are.
function parseUpstreamAllow(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    try {
      parseUpstreamAllowEntry(entry);
    } catch (error) {
      throw new ConfigError(`SALON_UPSTREAM_ALLOW: ${(error as Error).message}`);
    }
  }
  return entries;
}

// Seconds, possibly fractional ("2.5"), as milliseconds. The shutdown's default, 10 s, stays
// below Kubernetes' 30 s grace period and above most short requests.
function parseSeconds(value: string, name: string, min = 1): number {
  const seconds = Number(value);
  if (!value.trim() || !Number.isFinite(seconds) || seconds < min || seconds > 3600) {
    throw new ConfigError(`${name}: '${value}' is not a number of seconds between ${min} and 3600`);
  }
  return Math.round(seconds * 1000);
}

function parsePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`SALON_PUBLIC_URL: '${value}' is not a URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new ConfigError(
      `SALON_PUBLIC_URL: must be an http(s) URL without query or fragment, e.g. https://chat.example.com`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function parseInteger(value: string | number, name: string): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number)) throw new ConfigError(`${name}: '${value}' is not an integer`);
  return number;
}
