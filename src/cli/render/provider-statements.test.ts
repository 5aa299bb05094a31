/** Long ACCOUNTS lists are cut in text and markdown (a PR comment stays small); short ones are left whole. */
import { describe, expect, it } from 'vitest';
import { abbreviateStatement, renderStatementsMarkdown } from './provider-statements.js';

const accounts = (n: number) => Array.from({ length: n }, (_, i) => `"ORG"."A${i}"`).join(', ');
const sql = (n: number) => `ALTER APPLICATION PACKAGE "P" SET RELEASE DIRECTIVE "D" ACCOUNTS = (${accounts(n)}) VERSION = "V2" PATCH = 0`;

describe('provider statements rendering', () => {
  it('keeps short account lists and cuts long ones with a count', () => {
    expect(abbreviateStatement(sql(3))).toBe(sql(3));
    expect(abbreviateStatement(sql(10_000), 2)).toBe(
      'ALTER APPLICATION PACKAGE "P" SET RELEASE DIRECTIVE "D" ACCOUNTS = ("ORG"."A0", "ORG"."A1", /* 9,998 more: see --output json */) VERSION = "V2" PATCH = 0',
    );
  });

  it('a 10,000-account wave renders in a few kilobytes of markdown', () => {
    const md = renderStatementsMarkdown([{ rollout: 'r', directive: 'd', package: 'p', provider: 'snow', startAt: '2026-11-21T12:00:00.000Z', tenants: 10_000, statements: [sql(10_000)] }]);
    expect(md.length).toBeLessThan(2_000);
    expect(md).toContain('9,980 more');
  });
});
