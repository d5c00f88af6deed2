import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSecretBox } from '../../lib/secret-box.js';
import { openFlowState, safeReturnTo, sealFlowState, ssoFlowTtlMs } from './sso-flow-state.js';

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-sso-flow-'));
const box = openSecretBox({ secret: 'test secret for sso flow', dataDir });
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const flow = {
  orgId: 'org_a',
  state: 'state',
  nonce: 'nonce',
  codeVerifier: 'verifier',
  redirectUri: 'https://chat.example.com/api/auth/sso/callback',
  returnTo: '/c/1',
  expiresAt: Date.now() + ssoFlowTtlMs,
};

describe('SSO flow state', () => {
  it('opens what it sealed, hiding the verifier from the browser', async () => {
    const sealed = await sealFlowState(box, flow);
    expect(sealed).not.toContain('verifier');
    expect(await openFlowState(box, sealed)).toEqual(flow);
  });

  it('refuses a changed, foreign or expired cookie', async () => {
    const sealed = await sealFlowState(box, flow);
    const flipped = sealed.slice(0, -3) + (sealed.endsWith('A') ? 'BBB' : 'AAA');
    expect(await openFlowState(box, flipped)).toBeUndefined();
    expect(await openFlowState(box, 'v1:junk')).toBeUndefined();
    // Sealed for another purpose (e.g. a provider key) with the same box.
    expect(
      await openFlowState(box, await box.seal(JSON.stringify(flow), 'prov_1')),
    ).toBeUndefined();
    expect(await openFlowState(box, sealed, flow.expiresAt + 1)).toBeUndefined();
  });

  it('keeps only paths on this site as the place to return to', () => {
    expect(safeReturnTo('/c/abc?x=1')).toBe('/c/abc?x=1');
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'c/1',
      '/a\nb',
      42,
    ]) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });
});
