/**
 * Rendering the provider statements of a plan (plan-statements.ts) after the plan's own text or
 * markdown, so a reviewer approves the exact DDL a change sends. Nothing when there is none.
 */
import type { PlanStatements } from '../plan-statements.js';

/** Accounts shown per ACCOUNTS list; `--output json` carries every one. */
const SHOWN_ACCOUNTS = 20;

/**
 * A statement with a long `ACCOUNTS = (...)` list cut to its first accounts and a count, so a
 * pull-request comment stays under GitHub's size limit whatever the wave size.
 */
export function abbreviateStatement(sql: string, shown = SHOWN_ACCOUNTS): string {
  return sql.replace(/ACCOUNTS = \(([^)]*)\)/, (whole, list: string) => {
    const accounts = list.split(', ');
    if (accounts.length <= shown) return whole;
    return `ACCOUNTS = (${accounts.slice(0, shown).join(', ')}, /* ${(accounts.length - shown).toLocaleString('en-US')} more: see --output json */)`;
  });
}

/** The text section. */
export function renderStatementsText(list: readonly PlanStatements[]): string {
  if (list.length === 0) return '';
  const parts = ['\nProvider statements the next pass sends (the controller re-reads the provider first):\n'];
  for (const p of list) {
    parts.push(`\n${p.directive} (${p.package} via ${p.provider}, ${p.tenants} tenant${p.tenants === 1 ? '' : 's'}, from ${p.startAt}):\n`);
    if (p.statements.length === 0) parts.push('  (nothing to send: the provider already holds these tenants at the target)\n');
    for (const sql of p.statements) parts.push(`  ${abbreviateStatement(sql)};\n`);
  }
  return parts.join('');
}

/** The markdown section: one fenced SQL block per push. */
export function renderStatementsMarkdown(list: readonly PlanStatements[]): string {
  if (list.length === 0) return '';
  const parts = ['\n### Provider statements\n\nWhat the next pass sends (the controller re-reads the provider first):\n'];
  for (const p of list) {
    parts.push(`\n**${p.directive}** (${p.package} via ${p.provider}, ${p.tenants} tenant${p.tenants === 1 ? '' : 's'}, from ${p.startAt})\n\n`);
    parts.push(p.statements.length === 0 ? '_nothing to send_\n' : '```sql\n' + p.statements.map((s) => `${abbreviateStatement(s)};`).join('\n') + '\n```\n');
  }
  return parts.join('');
}
