// CSV fields as RFC 4180 quotes them, and names that must not turn into spreadsheet formulas.
import { describe, expect, it } from 'vitest';
import { csvCell, csvTable } from './csv.js';

describe('csv', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Sales, "EMEA"')).toBe('"Sales, ""EMEA"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(1.5)).toBe('1.5');
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(null)).toBe('');
  });

  it('keeps a text starting like a formula from being one', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@team')).toBe("'@team");
  });

  it('writes a header row and CRLF line ends', () => {
    expect(csvTable(['a', 'b'], [{ a: 1, b: 'x,y' }, { a: 2 }])).toBe('a,b\r\n1,"x,y"\r\n2,\r\n');
  });
});
