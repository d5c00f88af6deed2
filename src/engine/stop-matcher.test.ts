import { describe, expect, it } from 'vitest';
import { StopMatcher } from './stop-matcher.js';

const run = (matcher: StopMatcher, pieces: string[]) =>
  pieces.map((piece) => matcher.push(piece)).join('') + matcher.flush();

describe('StopMatcher', () => {
  it('passes text through without stop strings', () => {
    const matcher = new StopMatcher([]);
    expect(matcher.push('abc')).toBe('abc');
    expect(matcher.emitted).toBe(3);
  });

  it('cuts at a stop string spread over several pieces and excludes it', () => {
    const matcher = new StopMatcher(['STOP']);
    expect(matcher.push('hello S')).toBe('hello ');
    expect(matcher.push('TO')).toBe('');
    expect(matcher.push('P and more')).toBe('');
    expect(matcher.stopped).toBe(true);
    expect(matcher.emitted).toBe(6);
    expect(matcher.flush()).toBe('');
  });

  it('releases held text once it cannot be a stop string', () => {
    const matcher = new StopMatcher(['STOP']);
    expect(matcher.push('a ST')).toBe('a ');
    expect(matcher.push('AR')).toBe('STAR');
    expect(matcher.stopped).toBe(false);
  });

  it('stops at the earliest of several stop strings', () => {
    const matcher = new StopMatcher(['world', 'lo w']);
    expect(run(matcher, ['hel', 'lo world'])).toBe('hel');
  });

  it('flushes a held prefix when the generation ends otherwise', () => {
    const matcher = new StopMatcher(['\n\n###']);
    expect(run(matcher, ['text\n', '\n#'])).toBe('text\n\n#');
  });

  it('trims trailing whitespace when asked, keeping inner whitespace', () => {
    const matcher = new StopMatcher([], true);
    expect(run(matcher, ['{"a": ', '1} ', '\n'])).toBe('{"a": 1}');
  });

  it('handles a stop string at the very start', () => {
    const matcher = new StopMatcher(['x']);
    expect(matcher.push('xyz')).toBe('');
    expect(matcher.stopped).toBe(true);
    expect(matcher.emitted).toBe(0);
  });
});
