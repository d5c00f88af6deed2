import { describe, expect, it } from 'vitest';
import { consoleRouteUrl, parseConsoleRoute } from './console-routes.js';
import { parseRoute } from './route.js';

describe('console routes', () => {
  it('parses the admin console, with or without a section, and invitation links', () => {
    expect(parseConsoleRoute('/admin')).toEqual({ name: 'admin', section: null });
    expect(parseConsoleRoute('/admin/teams/')).toEqual({ name: 'admin', section: 'teams' });
    expect(parseConsoleRoute('/invite/abc_123')).toEqual({ name: 'invite', token: 'abc_123' });
    expect(parseConsoleRoute('/invite/')).toBeUndefined();
    expect(parseConsoleRoute('/admin/teams/x')).toBeUndefined();
    expect(parseConsoleRoute('/c/1')).toBeUndefined();
  });

  it('round-trips through the URL', () => {
    for (const path of ['/admin', '/admin/audit', '/invite/t0k3n']) {
      expect(consoleRouteUrl(parseConsoleRoute(path)!)).toBe(path);
    }
    expect(consoleRouteUrl(parseRoute('/leaderboard', ''))).toBeUndefined();
  });
});
