import { describe, expect, it } from 'vitest';
import { safeUrl } from './safe-url.js';

describe('safeUrl', () => {
  it('keeps http(s) and mailto', () => {
    expect(safeUrl('https://mistral.ai/news')).toBe('https://mistral.ai/news');
    expect(safeUrl('http://example.com')).toBe('http://example.com/');
    expect(safeUrl('mailto:a@b.c')).toBe('mailto:a@b.c');
  });

  it('drops script, data and relative URLs, however they are spelled', () => {
    for (const url of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0001javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      '/api/auth/logout',
      '//evil.example/x',
      'file:///etc/passwd',
      '',
      undefined,
    ]) {
      expect(safeUrl(url), String(url)).toBeUndefined();
    }
  });
});
