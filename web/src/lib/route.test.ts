import { describe, expect, it } from 'vitest';
import { parseRoute } from './route.js';

describe('routes', () => {
  it('parses the arena, with or without a battle, and the leaderboard', () => {
    expect(parseRoute('/arena', '')).toEqual({ name: 'arena', battleId: null });
    expect(parseRoute('/arena/', '?b=battle_1')).toEqual({ name: 'arena', battleId: 'battle_1' });
    expect(parseRoute('/leaderboard', '')).toEqual({ name: 'leaderboard' });
    expect(parseRoute('/arena/x', '')).toEqual({ name: 'home' });
  });
});
