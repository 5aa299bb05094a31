/**
 * Rules on notifications: a Notification that asks to email tenants (`notifyTenants: true`)
 * needs an `email` block to send with; without one it would send nothing, silently.
 */
import { warning, type Problem } from '../problem.js';
import type { RuleContext } from './context.js';

/** Warns about tenant notices that cannot be sent. */
export function checkNotifications(ctx: RuleContext): Problem[] {
  const out: Problem[] = [];
  for (const n of ctx.state.notifications.values()) {
    if (n.spec.notifyTenants === true && n.spec.email === undefined)
      out.push(
        warning(
          'notify-tenants-without-email',
          `Notification "${n.metadata.name}": notifyTenants is true but there is no email block to send tenant notices with; add spec.email (to, smtp) or drop notifyTenants`,
          ctx.locate(n, ['spec', 'notifyTenants']),
        ),
      );
  }
  return out;
}
