/**
 * Rendering the provider statements of a plan (plan-statements.ts) after the plan's own text or
 * markdown, so a reviewer approves the exact DDL a change sends. Nothing when there is none.
 */
import type { PlanStatements } from '../plan-statements.js';

/** The text section. */
export function renderStatementsText(list: readonly PlanStatements[]): string {
  if (list.length === 0) return '';
  const parts = ['\nProvider statements the next pass sends (the controller re-reads the provider first):\n'];
  for (const p of list) {
    parts.push(`\n${p.directive} (${p.package} via ${p.provider}, ${p.tenants} tenant${p.tenants === 1 ? '' : 's'}, from ${p.startAt}):\n`);
    if (p.statements.length === 0) parts.push('  (nothing to send: the provider already holds these tenants at the target)\n');
    for (const sql of p.statements) parts.push(`  ${sql};\n`);
  }
  return parts.join('');
}

/** The markdown section: one fenced SQL block per push. */
export function renderStatementsMarkdown(list: readonly PlanStatements[]): string {
  if (list.length === 0) return '';
  const parts = ['\n### Provider statements\n\nWhat the next pass sends (the controller re-reads the provider first):\n'];
  for (const p of list) {
    parts.push(`\n**${p.directive}** (${p.package} via ${p.provider}, ${p.tenants} tenant${p.tenants === 1 ? '' : 's'}, from ${p.startAt})\n\n`);
    parts.push(p.statements.length === 0 ? '_nothing to send_\n' : '```sql\n' + p.statements.map((s) => `${s};`).join('\n') + '\n```\n');
  }
  return parts.join('');
}
