// The reports page's pure parts (docs/architecture.md §11): the range from the address, and CSV as RFC 4180 writes it.
import { csvField, csvFileName, rangeFromParams, reportVariables, toCsv } from '../../client/src/reports/report-range';

const TODAY = new Date(2026, 10, 30, 15, 0); // 30 November 2026, local

describe('the range the address asks for', () => {
  it.each<[string, { from: string; to: string; days: number | null }]>([
    ['', { from: '2026-11-01', to: '2026-11-30', days: 30 }],
    ['days=7', { from: '2026-11-24', to: '2026-11-30', days: 7 }],
    ['days=365', { from: '2025-12-01', to: '2026-11-30', days: 365 }],
    ['days=12', { from: '2026-11-01', to: '2026-11-30', days: 30 }],
    ['from=2026-01-01&to=2026-01-31', { from: '2026-01-01', to: '2026-01-31', days: null }],
    ['from=2026-02-01&to=2026-01-31', { from: '2026-11-01', to: '2026-11-30', days: 30 }],
    ['from=2006-01-01&to=2026-01-01', { from: '2026-11-01', to: '2026-11-30', days: 30 }],
    ['from=2026-02-30&to=2026-03-01', { from: '2026-11-01', to: '2026-11-30', days: 30 }],
    ['from=yesterday&to=2026-03-01', { from: '2026-11-01', to: '2026-11-30', days: 30 }],
  ])('?%s', (query, range) => {
    expect(rangeFromParams(new URLSearchParams(query), TODAY)).toEqual(range);
  });

  it('asks for noon UTC of each date, and names the file by the range', () => {
    const range = { from: '2026-01-01', to: '2026-01-31', days: null };
    expect(reportVariables(range)).toEqual({ from: '2026-01-01T12:00:00.000Z', to: '2026-01-31T12:00:00.000Z' });
    expect(csvFileName(range)).toBe('lex-support-report-2026-01-01-to-2026-01-31.csv');
  });
});

describe('CSV (RFC 4180)', () => {
  it.each<[string | number | null, string]>([
    ['Billing', 'Billing'],
    [12.5, '12.5'],
    [null, ''],
    ['de Vries, Jan', '"de Vries, Jan"'],
    ['Say "hi"', '"Say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
  ])('%j is written %j', (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it('ends every record with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b,c'],
        [1, null],
      ]),
    ).toBe('a,"b,c"\r\n1,\r\n');
  });
});
