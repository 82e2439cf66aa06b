import { describe, expect, it } from 'vitest';
import { attachmentDisposition, csvCell, csvRow } from '../../src/api/csv.js';
import { parseCsv } from './parse-csv.js';

describe('CSV cells', () => {
  it('leaves plain text and numbers as they are, and empty values empty', () => {
    expect(csvRow(['Maria', 42, 12.5, null, undefined, ''])).toBe('Maria,42,12.5,,,\r\n');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('quotes a cell with a comma, a quote or a line break, doubling the quotes', () => {
    expect(csvCell('thanks, truly')).toBe('"thanks, truly"');
    expect(csvCell('she said "yes"')).toBe('"she said ""yes"""');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
  });

  it('defuses text a spreadsheet would run as a formula, whatever it starts with', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","win")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""win"")"',
    );
    expect(csvCell('+15551234567')).toBe("'+15551234567");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
    expect(csvCell('\t=1+1')).toBe("'\t=1+1");
    expect(csvCell('\r=1+1')).toBe('"\'\r=1+1"');
    // Only at the start: elsewhere these characters are harmless.
    expect(csvCell('a=b+c')).toBe('a=b+c');
    // Our own numbers are never text from outside.
    expect(csvCell(-5)).toBe('-5');
  });

  it('reads back as the values written (apostrophe aside) with a standard parser', () => {
    const values = ['x,y', 'say "hi"', 'two\nlines', '=1+1', 'plain'];
    expect(parseCsv(csvRow(values) + csvRow(values))).toEqual([
      ['x,y', 'say "hi"', 'two\nlines', "'=1+1", 'plain'],
      ['x,y', 'say "hi"', 'two\nlines', "'=1+1", 'plain'],
    ]);
  });
});

describe('the download name', () => {
  it('is an attachment with an ASCII fallback and the exact name in UTF-8', () => {
    expect(attachmentDisposition('Spring appeal results.csv')).toBe(
      `attachment; filename="Spring appeal results.csv"; filename*=UTF-8''Spring%20appeal%20results.csv`,
    );
    expect(attachmentDisposition('Grâce "appeal" — 2026.csv')).toBe(
      `attachment; filename="Grace appeal  2026.csv"; filename*=UTF-8''Gr%C3%A2ce%20%22appeal%22%20%E2%80%94%202026.csv`,
    );
  });
});
