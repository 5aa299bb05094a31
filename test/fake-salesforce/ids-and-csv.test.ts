/** Id checksums and the CSV dialect of Bulk API 2.0. */
import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from '../support/fake-salesforce/csv.js';
import { checksum, fakeId, fakeOrgKey, isSalesforceId, to15, to18 } from '../support/fake-salesforce/ids.js';

describe('ids', () => {
  it('computes the case-safe 18-character suffix', () => {
    expect(checksum('a0D30000001n7Pi')).toBe('EAI');
    expect(to18('a0D30000001n7Pi')).toBe('a0D30000001n7PiEAI');
    expect(to15('a0D30000001n7PiEAI')).toBe('a0D30000001n7Pi');
  });

  it('accepts 15- and 18-character ids with a valid suffix only', () => {
    expect(isSalesforceId('a0D30000001n7Pi')).toBe(true);
    expect(isSalesforceId('a0D30000001n7PiEAI')).toBe(true);
    expect(isSalesforceId('a0D30000001n7Pieai')).toBe(true);
    expect(isSalesforceId('a0D30000001n7PiAAA')).toBe(false);
    expect(isSalesforceId('a0D30000001n7P')).toBe(false);
    expect(isSalesforceId("0DV' OR Id != '")).toBe(false);
  });

  it('makes deterministic fixture ids and org keys', () => {
    expect(fakeId('04t', 10)).toBe(fakeId('04t', 10));
    expect(isSalesforceId(fakeId('04t', 10))).toBe(true);
    expect(fakeId('04t', 10)).toMatch(/^04t/);
    expect(fakeOrgKey(62)).toBe('00D5g0000000010');
    expect(() => fakeId('04', 1)).toThrow();
  });
});

describe('csv', () => {
  it('parses quotes, escaped quotes, embedded delimiters and newlines, LF and CRLF', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi"""\r\n"multi\nline",\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', ''],
    ]);
    expect(parseCsv('a;b\n1;2', ';')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(() => parseCsv('"open')).toThrow(/unclosed quote/);
  });

  it('formats every value quoted, and round-trips', () => {
    const rows = [
      ['sf__Id', 'sf__Error'],
      ['', 'DUPLICATE_VALUE:duplicate value found: "x":--'],
    ];
    const text = formatCsv(rows);
    expect(text).toBe('"sf__Id","sf__Error"\n"","DUPLICATE_VALUE:duplicate value found: ""x"":--"\n');
    expect(parseCsv(text)).toEqual(rows);
  });
});
