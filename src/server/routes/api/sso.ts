// Signing in through an organisation's identity provider (docs/sso.md): the public list of
// organisations offering it, the start (a redirect to the provider with PKCE, state and nonce, the
// flow sealed in a ten-minute cookie) and the callback (state checked, code exchanged, account
// found or created, groups mapped, session started). All are GETs: a browser navigates to them,
// and none changes anything before the provider has vouched for the person.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { OrgScope } from '../../../identity/org-scope.js';
import { describe } from '../../../identity/oidc/oidc-discovery.js';
import { resolveSsoAccount } from '../../../identity/oidc/sso-account.js';
import { readSsoIdentity } from '../../../identity/oidc/sso-claims.js';
import { ssoError, isSsoErrorCode } from '../../../identity/oidc/sso-errors.js';
import {
  openFlowState,
  safeReturnTo,
  sealFlowState,
  ssoFlowTtlMs,
  type SsoFlowState,
} from '../../../identity/oidc/sso-flow-state.js';
import { getSsoClientSettings, listSsoProviders } from '../../../identity/oidc/sso-settings.js';
import { forgetUserKeys } from '../../../identity/user-access.js';
import { badRequest, isSalonError, notFound } from '../../../lib/errors.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { signInPerIpLimit } from '../../ip-limit.js';
import { ssoDiscovery, ssoRedirectUri } from '../../sso-runtime.js';
import { cameOverHttps } from './session-cookie.js';
import { startSession } from './start-session.js';

/** The sealed flow's cookie, sent only to the SSO routes. */
const flowCookie = 'salon_sso_flow';
const flowCookiePath = '/api/auth/sso';

function flowCookieOptions(request: FastifyRequest) {
  // Lax: the provider's redirect back is a top-level GET navigation, which Lax cookies follow.
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: flowCookiePath,
    secure: cameOverHttps(request),
  } as const;
}

function sameToken(sent: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

/** `openid email profile`, plus the groups claim's name when the provider offers it as a scope. */
function scopesFor(configuration: oidc.Configuration, groupsClaim: string): string {
  const offered = configuration.serverMetadata().scopes_supported ?? [];
  return [
    'openid',
    'email',
    'profile',
    ...(offered.includes(groupsClaim) ? [groupsClaim] : []),
  ].join(' ');
}

/**
 * The code a failed sign-in is reported under, or undefined for an error that is not the
 * provider's or the person's doing (a database failure), which goes to the error handler.
 */
function failureCode(error: unknown): string | undefined {
  if (isSalonError(error)) return isSsoErrorCode(error.code) ? error.code : undefined;
  if (error instanceof oidc.AuthorizationResponseError) return 'sso_idp_error';
  if (error instanceof TypeError && error.message === 'fetch failed') return 'sso_idp_error';
  if (
    error instanceof oidc.ClientError ||
    error instanceof oidc.ResponseBodyError ||
    error instanceof oidc.WWWAuthenticateChallengeError
  ) {
    return 'sso_exchange_failed';
  }
  return undefined;
}

/**
 * What went wrong, for the audit trail: the provider's OAuth error and description when it sent
 * one; for a check openid-client failed, its cause too, which names the check (the ID token's
 * "aud", "nonce", "exp", signature, …) without any of the token's contents.
 */
function failureReason(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError) {
    return `${error.error}: ${error.error_description ?? error.message}`;
  }
  if (error instanceof oidc.ClientError) return describe(error);
  return error instanceof Error ? error.message : String(error);
}

/** GET /api/auth/sso/providers, /api/auth/sso/:orgId/start, /api/auth/sso/callback. */
export function ssoRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;

  app.get('/api/auth/sso/providers', async () => ({ data: await listSsoProviders(db) }));

  app.get<{ Params: { orgId: string }; Querystring: { returnTo?: unknown } }>(
    '/api/auth/sso/:orgId/start',
    { preHandler: signInPerIpLimit(context) },
    async (request, reply) => {
      const orgId = request.params.orgId;
      const settings = await getSsoClientSettings(new OrgScope(db, orgId), context.secrets);
      if (!settings?.enabled) {
        throw notFound('This organisation does not offer single sign-on.', 'sso_not_configured');
      }
      reply.header('cache-control', 'no-store');
      let configuration: oidc.Configuration;
      try {
        configuration = await ssoDiscovery(context).configuration(settings);
      } catch (error) {
        const code = failureCode(error);
        if (!code) throw error;
        request.log.warn({ err: error, orgId }, 'single sign-on: provider discovery failed');
        await recordFailure(request, orgId, code, failureReason(error));
        return reply.redirect(`/?sso_error=${code}`, 302);
      }
      const flow: SsoFlowState = {
        orgId,
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
        redirectUri: ssoRedirectUri(context.settings, request),
        returnTo: safeReturnTo(request.query.returnTo),
        expiresAt: Date.now() + ssoFlowTtlMs,
      };
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: flow.redirectUri,
        scope: scopesFor(configuration, settings.groupsClaim),
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
      });
      reply.setCookie(flowCookie, await sealFlowState(context.secrets, flow), {
        ...flowCookieOptions(request),
        maxAge: ssoFlowTtlMs / 1000,
      });
      return reply.redirect(url.href, 302);
    },
  );

  app.get('/api/auth/sso/callback', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    // One use only: whatever happens next, this browser's flow is over.
    const sealed = request.cookies[flowCookie];
    reply.clearCookie(flowCookie, flowCookieOptions(request));
    const flow = sealed ? await openFlowState(context.secrets, sealed) : undefined;
    const query = request.query as Record<string, unknown>;
    if (!flow) {
      await recordFailure(request, null, 'sso_flow_missing', 'no valid sign-in cookie');
      throw badRequest(
        'This single sign-on has expired or was started in another browser: start again from the sign-in page.',
        null,
        'sso_flow_missing',
      );
    }
    if (typeof query.state !== 'string' || !sameToken(query.state, flow.state)) {
      await recordFailure(request, flow.orgId, 'sso_state_mismatch', 'state does not match');
      throw badRequest(
        "The identity provider's answer does not belong to the sign-in this browser started (state mismatch): start again from the sign-in page.",
        'state',
        'sso_state_mismatch',
      );
    }
    try {
      return await finishSignIn(request, reply, flow);
    } catch (error) {
      const code = failureCode(error);
      if (!code) throw error;
      request.log.info({ err: error, orgId: flow.orgId }, 'single sign-on refused');
      await recordFailure(request, flow.orgId, code, failureReason(error));
      return reply.redirect(`/?sso_error=${code}`, 302);
    }
  });

  async function finishSignIn(request: FastifyRequest, reply: FastifyReply, flow: SsoFlowState) {
    const scope = new OrgScope(db, flow.orgId);
    const settings = await getSsoClientSettings(scope, context.secrets);
    if (!settings?.enabled) {
      throw ssoError('sso_not_configured', 'Single sign-on was turned off during the sign-in.');
    }
    const configuration = await ssoDiscovery(context).configuration(settings);
    const currentUrl = new URL(flow.redirectUri);
    currentUrl.search = new URL(request.url, 'http://callback').search;
    const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims()!;
    // Providers often keep email and groups out of the ID token of a code flow: ask userinfo.
    const userinfo = configuration.serverMetadata().userinfo_endpoint
      ? await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub)
      : {};
    const identity = readSsoIdentity({ ...idClaims, ...userinfo }, settings.groupsClaim);
    request.ssoEmail = identity.email;
    const account = await resolveSsoAccount(db, flow.orgId, settings.groupMappings, identity);
    // Teams and role come from the provider's groups: quotas, model access and the user's keys
    // follow the new ones on every replica at once, as after an admin's change.
    if (account.joinedTeams.length || account.leftTeams.length || account.previousRole) {
      await context.governance.core.policies?.invalidate(flow.orgId);
    }
    if (account.previousRole && !account.created) {
      await forgetUserKeys(new OrgScope(db, flow.orgId), account.user.id);
    }
    await startSession(request, reply, context, account.user, 'sso');
    await audit(request, context, {
      actor: account.user,
      action: 'auth.sso_sign_in',
      targetType: 'user',
      targetId: account.user.id,
      details: {
        issuer: settings.issuer,
        subject: identity.subject,
        created: account.created,
        joinedTeams: account.joinedTeams,
        leftTeams: account.leftTeams,
        ...(account.previousRole && {
          role: { from: account.previousRole, to: account.user.role },
        }),
      },
    });
    return reply.redirect(flow.returnTo, 302);
  }

  function recordFailure(
    request: FastifyRequest,
    orgId: string | null,
    code: string,
    reason: string,
  ) {
    return audit(request, context, {
      actor: null,
      actorLabel: request.ssoEmail ?? 'unknown',
      orgId,
      action: 'auth.sso_failed',
      details: { code, reason: reason.slice(0, 500) },
    });
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The email a single sign-on vouched for, once read (for the audit of a refusal). */
    ssoEmail?: string;
  }
}
