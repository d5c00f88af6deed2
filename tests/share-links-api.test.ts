// The list of one's shared links (GET /api/shares, docs/web-api.md) on both dialects: only the
// caller's working links, newest first with their conversation's title; another user's share
// id is a 404 that changes nothing; a revoked link leaves the list and stops working.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiTestApp, type ApiTestApp } from './helpers/api-app.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('share links API');

interface SharedLink {
  id: string;
  url: string;
  conversationId: string;
  title: string;
  createdAt: string;
}

describe.each(targets)('share links API on $dialect', (target) => {
  let t: ApiTestApp;
  let ada: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    t = await openApiTestApp(target);
    ada = await signIn(t.runtime.store.db);
    bob = await signIn(t.runtime.store.db);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const call = (
    who: SignedIn | null,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url,
      headers: who?.headers ?? {},
      ...(payload !== undefined && { payload }),
    });
  const json = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect(response.statusCode, response.body).toBe(status);
    return response.json<T>();
  };
  const share = async (who: SignedIn, title: string) => {
    const conversation = json<{ id: string }>(
      await call(who, 'POST', '/api/conversations', { title }),
      201,
    );
    const link = json<{ id: string; url: string }>(
      await call(who, 'POST', `/api/conversations/${conversation.id}/share`),
      201,
    );
    return { conversationId: conversation.id, ...link };
  };
  const links = async (who: SignedIn) =>
    json<{ shares: SharedLink[] }>(await call(who, 'GET', '/api/shares')).shares;

  it('lists only the caller’s links, newest first, with titles and dates', async () => {
    const recipes = await share(ada, 'Recipes');
    // Creation times have millisecond precision: make "newest" unambiguous.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const trip = await share(ada, 'Trip to Lyon');
    const secret = await share(bob, 'Bob’s plans');

    const mine = await links(ada);
    expect(mine.map((link) => link.title)).toEqual(['Trip to Lyon', 'Recipes']);
    expect(mine[0]).toMatchObject({
      id: trip.id,
      url: `/s/${trip.id}`,
      conversationId: trip.conversationId,
    });
    expect(Date.parse(mine[0]!.createdAt)).not.toBeNaN();
    expect(mine.map((link) => link.id)).toContain(recipes.id);
    expect(JSON.stringify(mine)).not.toContain(secret.id);

    expect((await links(bob)).map((link) => link.id)).toEqual([secret.id]);
    expect((await call(null, 'GET', '/api/shares')).statusCode).toBe(401);
  });

  it('answers 404 to another user’s share id and leaves the link working', async () => {
    const [link] = await links(ada);
    const response = await call(bob, 'DELETE', `/api/shares/${link!.id}`);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'share_not_found' } });
    expect((await links(ada)).map((item) => item.id)).toContain(link!.id);
    expect((await call(null, 'GET', `/api/shares/${link!.id}`)).statusCode).toBe(200);
  });

  it('drops a revoked link from the list, and a deleted conversation’s link', async () => {
    const [newest, older] = await links(ada);
    expect((await call(ada, 'DELETE', `/api/shares/${newest!.id}`)).statusCode).toBe(204);
    expect((await call(null, 'GET', `/api/shares/${newest!.id}`)).statusCode).toBe(404);
    expect((await links(ada)).map((item) => item.id)).toEqual([older!.id]);

    expect(
      (await call(ada, 'DELETE', `/api/conversations/${older!.conversationId}`)).statusCode,
    ).toBe(204);
    expect(await links(ada)).toEqual([]);
  });
});
