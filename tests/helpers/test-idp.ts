// A real OpenID provider for tests: oidc-provider, in-process on 127.0.0.1 with a random port,
// static clients, PKCE required, accounts with email and groups claims, and its development
// login and consent pages (which `idpSignIn` fills in like a browser would). The authorization
// code's lifetime can be shortened to test expiry. The provider signs ID tokens with a key the
// test holds, and its issuer address is a relay (token-relay.ts) that can swap the ID token of
// the token endpoint's answers, so a test can hand the client a token forged exactly as the
// provider would sign one.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { startRelay } from './token-relay.js';

/** A person the provider knows, by login name. */
export interface IdpAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

/** A client registered at the provider. */
export interface IdpClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

/** A running provider. */
export interface TestIdp {
  issuer: string;
  /** Edit freely: read at every sign-in. */
  accounts: Map<string, IdpAccount>;
  /** Seconds an authorization code lives (default 60). */
  codeTtlSeconds: number;
  /** The private key the provider signs ID tokens with (RS256, `kid` "test-idp"). */
  signingKey: KeyObject;
  /** While set, each ID token the token endpoint answers is swapped for what this returns. */
  replaceIdToken?: (genuine: string) => string;
  close(): Promise<void>;
}

/** Starts a provider with `clients` registered. */
export async function startTestIdp(clients: IdpClient[]): Promise<TestIdp> {
  // The provider listens on a port of its own; the issuer's address is the relay's.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relay = await startRelay(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    path: '/token',
    rewrite: (body) =>
      idp.replaceIdToken && typeof body.id_token === 'string'
        ? { ...body, id_token: idp.replaceIdToken(body.id_token) }
        : body,
  });
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const idp: TestIdp = {
    issuer: relay.origin,
    accounts: new Map(),
    codeTtlSeconds: 60,
    signingKey,
    close: async () => {
      await relay.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const provider = new Provider(idp.issuer, {
    clients: clients.map((client) => ({
      ...client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    async findAccount(_context: unknown, id: string) {
      const account = idp.accounts.get(id);
      return account && { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    pkce: { required: () => true },
    ttl: {
      AuthorizationCode: () => idp.codeTtlSeconds,
      IdToken: 3600,
      AccessToken: 3600,
      Interaction: 3600,
      Session: 3600,
      Grant: 3600,
    },
    cookies: { keys: ['salon-test-idp-cookie-key'] },
    jwks: {
      keys: [
        { ...signingKey.export({ format: 'jwk' }), kid: 'test-idp', use: 'sig', alg: 'RS256' },
      ],
    },
    features: { devInteractions: { enabled: true } },
  });
  // Its warnings about development-only features are expected here.
  provider.on('server_error', (_context, error) => console.error('test IdP error:', error));
  server.on('request', provider.callback());
  return idp;
}
