import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../lib/errors.js';
import { loadConfigFile, parseConfig } from './load-config.js';
import { resolveSettings } from './settings.js';

const env = { MISTRAL_API_KEY: 'secret-key' };

function configError(text: string, environment: NodeJS.ProcessEnv = env): string {
  try {
    parseConfig(text, environment);
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('salon.yaml', () => {
  it('reads the documented example, with ${VAR} from the environment', () => {
    const config = parseConfig(
      `
providers:
  mistral:
    type: openai
    base_url: https://api.mistral.ai/v1
    api_key: \${MISTRAL_API_KEY}
  local:
    type: llama
    model_path: ./models/m.gguf
models:
  - name: small
    targets:
      - { provider: local }
      - { provider: mistral, model: mistral-small-latest }
    fallbacks: [large]
  - name: large
    targets:
      - { provider: mistral, model: mistral-large-latest }
`,
      env,
    );
    expect(config.providers.mistral).toMatchObject({ type: 'openai', api_key: 'secret-key' });
    expect(config.models.map((m) => m.name)).toEqual(['small', 'large']);
    expect(config.models[0]!.fallbacks).toEqual(['large']);
  });

  it('names an unknown provider type and the valid ones', () => {
    expect(configError('providers:\n  x:\n    type: bedrock\n')).toMatch(
      /providers\.x\.type: unknown provider type 'bedrock' \(one of openai, azure-openai, llama\)/,
    );
  });

  it('names a missing base_url', () => {
    expect(configError('providers:\n  m:\n    type: openai\n')).toMatch(
      /providers\.m\.base_url: required/,
    );
  });

  it('names an unknown provider in a target', () => {
    expect(
      configError('models:\n  - name: small\n    targets:\n      - { provider: nowhere }\n'),
    ).toMatch(/models\[0\]\.targets\[0\]\.provider: unknown provider 'nowhere'/);
  });

  it('names an unknown fallback and a misspelt key', () => {
    const providers = 'providers:\n  l:\n    type: llama\n    model_path: m.gguf\n';
    expect(
      configError(
        `${providers}models:\n  - name: a\n    targets: [{ provider: l }]\n    fallbacks: [b]\n`,
      ),
    ).toMatch(/models\[0\]\.fallbacks\[0\]: unknown model 'b'/);
    expect(configError(`${providers}modles: []\n`)).toMatch(/unknown key modles/);
  });

  it('rejects bad YAML with its position', () => {
    expect(configError('providers: [unclosed\n')).toMatch(/invalid YAML: .* at line 2, column 1/);
  });

  it('names an unset environment variable and the key that uses it', () => {
    expect(
      configError(
        'providers:\n  m:\n    type: openai\n    base_url: http://x/v1\n    api_key: ${NOPE}\n',
        {},
      ),
    ).toMatch(/providers\.m\.api_key: environment variable NOPE is not set/);
  });

  it('resolves model paths against the config file directory', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'salon-config-'));
    const file = path.join(dir, 'salon.yaml');
    writeFileSync(file, 'providers:\n  l:\n    type: llama\n    model_path: models/m.gguf\n');
    expect(loadConfigFile(file).providers.l).toMatchObject({
      model_path: path.join(dir, 'models/m.gguf'),
    });
  });
});

describe('salon.yaml limits', () => {
  it('reads per-user rates and a budget, monthly unless told otherwise', () => {
    const config = parseConfig(
      'limits:\n  per_user:\n    rpm: 60\n    tpm: 100000\n    budget: { tokens: 1000000, usd: 5 }\n',
      env,
    );
    expect(config.limits.per_user).toEqual({
      rpm: 60,
      tpm: 100_000,
      budget: { tokens: 1_000_000, usd: 5, period: 'month' },
    });
    expect(parseConfig('', env).limits).toEqual({});
  });

  it('names the bad key', () => {
    expect(configError('limits:\n  per_user:\n    rpm: 0\n')).toMatch(/limits\.per_user\.rpm: /);
    expect(configError('limits:\n  per_user:\n    tpm: 2.5\n')).toMatch(/limits\.per_user\.tpm: /);
    expect(configError('limits:\n  per_user:\n    budget: { period: day }\n')).toMatch(
      /limits\.per_user\.budget: give tokens, usd or both/,
    );
    expect(configError('limits:\n  per_user:\n    budget: { usd: 1, period: week }\n')).toMatch(
      /limits\.per_user\.budget\.period: /,
    );
    expect(configError('limits:\n  per_key: {}\n')).toMatch(/limits: unknown key per_key/);
  });
});

describe('salon.yaml security', () => {
  it('reads the upstream allow-list, empty by default', () => {
    expect(parseConfig('', env).security).toEqual({ upstream_allow: [] });
    const config = parseConfig(
      "security:\n  upstream_allow: ['127.0.0.1', '10.0.0.0/8', 'ollama.internal:11434', '[::1]:8000']\n",
      env,
    );
    expect(config.security.upstream_allow).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      'ollama.internal:11434',
      '[::1]:8000',
    ]);
  });

  it('names the bad entry, its position and what is wrong with it', () => {
    expect(configError("security:\n  upstream_allow: ['127.0.0.1', '10.0.0.0/33']\n")).toBe(
      "salon.yaml: security.upstream_allow[1]: '10.0.0.0/33' has a prefix length that is not a number from 0 to 32",
    );
    expect(configError("security:\n  upstream_allow: ['http://10.0.0.1:8000']\n")).toMatch(
      /security\.upstream_allow\[0\]: 'http:\/\/10\.0\.0\.1:8000' is a URL/,
    );
    expect(configError("security:\n  upstream_allow: ['169.254.169.254']\n")).toMatch(
      /security\.upstream_allow\[0\]: '169\.254\.169\.254' is a link-local or cloud metadata address, which upstream_allow does not open \(a salon\.yaml provider may set allow_link_local\)/,
    );
    expect(configError('security:\n  upstream_allow: [8080]\n')).toMatch(
      /security\.upstream_allow\[0\]: /,
    );
    expect(configError('security:\n  upstream_allowed: []\n')).toMatch(
      /security: unknown key upstream_allowed/,
    );
  });
});

describe('settings', () => {
  it('uses the documented defaults', () => {
    const settings = resolveSettings({}, {});
    expect(settings).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('.salon'),
    });
  });

  it('lets flags win over the environment', () => {
    const settings = resolveSettings(
      { port: '9000' },
      { SALON_PORT: '7000', SALON_HOST: '0.0.0.0' },
    );
    expect(settings).toMatchObject({ port: 9000, host: '0.0.0.0' });
  });

  it('rejects a bad port, a bad DATABASE_URL and a missing SALON_MODEL file', () => {
    expect(() => resolveSettings({}, { SALON_PORT: 'eighty' })).toThrow(/not an integer/);
    expect(() => resolveSettings({}, { DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => resolveSettings({}, { SALON_MODEL: '/nonexistent.gguf' })).toThrow(
      /SALON_MODEL: file not found/,
    );
  });
});
