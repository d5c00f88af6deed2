// Discovered OpenID provider configurations, one per organisation. Discovery (the provider's
// `/.well-known/openid-configuration`) runs once and is kept until the settings change (issuer,
// client id or secret: compared by a fingerprint, so a save on any replica is noticed on the next
// sign-in) or an hour has passed (providers do change endpoints). Signing keys are fetched and
// refreshed by openid-client itself, inside the Configuration, and every ID token's signature is
// checked against them.
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import type { UpstreamAccess } from '../../gateway/types.js';
import { badRequest } from '../../lib/errors.js';
import { checkIssuerUrl, needsInsecureRequests } from './issuer-url.js';
import { ssoError } from './sso-errors.js';
import type { SsoClientSettings } from './sso-settings.js';

/** How configurations are fetched; tests and the server may give their own `fetch`. */
export interface OidcDiscoveryOptions {
  /** Used for every request to the provider (discovery, keys, token, userinfo). */
  fetch?: oidc.CustomFetch;
  /** Which addresses the issuer may be at (default: public ones only; see issuer-url.ts). */
  access?: UpstreamAccess;
  /** How long a discovered configuration is trusted. */
  ttlMs?: number;
  /** Seconds each request to the provider may take. */
  timeoutSeconds?: number;
  now?: () => number;
}

interface Cached {
  fingerprint: string;
  discoveredAt: number;
  configuration: Promise<oidc.Configuration>;
}

type ClientFields = Pick<SsoClientSettings, 'issuer' | 'clientId' | 'clientSecret'>;

/** Discovers providers and keeps one configuration per organisation. */
export class OidcDiscovery {
  private readonly cache = new Map<string, Cached>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: OidcDiscoveryOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Discovers the provider afresh; 400 `sso_discovery_failed` (param `issuer`) when it cannot
   * be reached or its document is wrong, so an admin sees why before anything is saved.
   */
  async discover(settings: ClientFields): Promise<oidc.Configuration> {
    const issuer = checkIssuerUrl(settings.issuer, this.options.access);
    const authentication =
      settings.clientSecret === undefined
        ? oidc.None()
        : oidc.ClientSecretBasic(settings.clientSecret);
    try {
      const configuration = await oidc.discovery(
        issuer,
        settings.clientId,
        undefined,
        authentication,
        {
          ...(this.options.fetch && { [oidc.customFetch]: this.options.fetch }),
          ...(needsInsecureRequests(issuer) && { execute: [oidc.allowInsecureRequests] }),
          timeout: this.options.timeoutSeconds ?? 10,
        },
      );
      // By default openid-client checks the claims of an ID token from the token endpoint but not
      // its signature (OpenID Connect lets a client trust TLS there instead). Checked against the
      // provider's published keys, a token no longer vouches for anyone just because something on
      // the back channel (a proxy, plain http to a loopback issuer) answered in its place.
      oidc.enableNonRepudiationChecks(configuration);
      return configuration;
    } catch (error) {
      throw badRequest(
        `issuer: OpenID Connect discovery failed for ${issuer.href}: ${describe(error)}`,
        'issuer',
        'sso_discovery_failed',
      );
    }
  }

  /** The organisation's configuration, discovered on first use or when its settings changed. */
  async configuration(settings: SsoClientSettings): Promise<oidc.Configuration> {
    const fingerprint = fingerprintOf(settings);
    const cached = this.cache.get(settings.orgId);
    if (cached?.fingerprint === fingerprint && this.now() - cached.discoveredAt < this.ttlMs) {
      return cached.configuration;
    }
    const configuration = this.discover(settings);
    this.cache.set(settings.orgId, { fingerprint, discoveredAt: this.now(), configuration });
    // A failure is not kept: the next sign-in tries again.
    configuration.catch(() => {
      if (this.cache.get(settings.orgId)?.configuration === configuration) {
        this.cache.delete(settings.orgId);
      }
    });
    try {
      return await configuration;
    } catch (error) {
      throw ssoError('sso_idp_error', (error as Error).message, error);
    }
  }

  /** Keeps a configuration just discovered (by `discover`) for the settings now saved. */
  remember(settings: SsoClientSettings, configuration: oidc.Configuration): void {
    this.cache.set(settings.orgId, {
      fingerprint: fingerprintOf(settings),
      discoveredAt: this.now(),
      configuration: Promise.resolve(configuration),
    });
  }

  /** Drops an organisation's configuration (its settings were deleted). */
  forget(orgId: string): void {
    this.cache.delete(orgId);
  }
}

// The secret takes part only as a hash, so the cache holds nothing more than the settings do.
function fingerprintOf(settings: ClientFields): string {
  return createHash('sha256')
    .update(JSON.stringify([settings.issuer, settings.clientId, settings.clientSecret ?? null]))
    .digest('hex');
}

/** A short reason from an openid-client or network error, with its cause when that says more. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
