import { describe, expect, it } from 'vitest';
import { isConfigError } from '../lib/errors.js';
import { emptyConfig } from './schema.js';
import { resolveSettings, upstreamAllow } from './settings.js';

const settings = (env: NodeJS.ProcessEnv) => resolveSettings({ dataDir: '/tmp/unused' }, env);

function configError(env: NodeJS.ProcessEnv): string {
  try {
    settings(env);
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('shutdown and run lease timings', () => {
  it('default to 10 s and 5 s, and read seconds, fractions included', () => {
    expect(settings({})).toMatchObject({ shutdownTimeoutMs: 10_000, runHeartbeatMs: 5_000 });
    expect(settings({ SALON_SHUTDOWN_TIMEOUT: '2.5', SALON_RUN_HEARTBEAT: '0.5' })).toMatchObject({
      shutdownTimeoutMs: 2_500,
      runHeartbeatMs: 500,
    });
  });

  it('refuse what is not a sensible number of seconds, naming the variable', () => {
    expect(configError({ SALON_SHUTDOWN_TIMEOUT: '10s' })).toBe(
      "SALON_SHUTDOWN_TIMEOUT: '10s' is not a number of seconds between 1 and 3600",
    );
    expect(configError({ SALON_SHUTDOWN_TIMEOUT: '0' })).toMatch(/^SALON_SHUTDOWN_TIMEOUT: '0'/);
    expect(configError({ SALON_SHUTDOWN_TIMEOUT: ' ' })).toMatch(/^SALON_SHUTDOWN_TIMEOUT/);
    expect(configError({ SALON_RUN_HEARTBEAT: '0.01' })).toBe(
      "SALON_RUN_HEARTBEAT: '0.01' is not a number of seconds between 0.1 and 3600",
    );
  });
});

describe('SALON_UPSTREAM_ALLOW', () => {
  it("adds its comma-separated entries to salon.yaml's", () => {
    const read = settings({ SALON_UPSTREAM_ALLOW: ' 127.0.0.1:8000, fd00::/8 ,,ollama.internal' });
    expect(read.upstreamAllowEnv).toEqual(['127.0.0.1:8000', 'fd00::/8', 'ollama.internal']);
    const config = emptyConfig();
    config.security.upstream_allow.push('10.0.0.0/8');
    expect(upstreamAllow(config, read)).toEqual([
      '10.0.0.0/8',
      '127.0.0.1:8000',
      'fd00::/8',
      'ollama.internal',
    ]);
    expect(settings({}).upstreamAllowEnv).toEqual([]);
  });

  it('names the bad entry', () => {
    expect(configError({ SALON_UPSTREAM_ALLOW: '127.0.0.1,10.0.0.1:99999' })).toBe(
      "SALON_UPSTREAM_ALLOW: '10.0.0.1:99999' has a port that is not a number from 1 to 65535",
    );
  });
});
