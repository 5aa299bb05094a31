/**
 * The release team's email for the controller's own health (`controller.failing`,
 * `controller.recovered`): what an on-call engineer needs to act without opening the dashboard
 * first. The last error, how many passes failed and since when, the revision acted on, and where
 * to look next. Pure: everything comes from the event (pass-health.ts writes its data).
 */
import type { EventRecord } from '../store/store.js';
import { formatDuration } from '../util/duration.js';
import { iso } from '../util/time.js';
import type { MessageText } from './messages.js';

/** The controller-health event types this file words. */
export const CONTROLLER_HEALTH_EVENTS: ReadonlySet<string> = new Set(['controller.failing', 'controller.recovered']);

/** The email for a controller.failing or controller.recovered event. */
export function controllerHealthEmail(event: EventRecord): MessageText {
  const data = event.data ?? {};
  const failedPasses = typeof data.failedPasses === 'number' ? data.failedPasses : undefined;
  const since = typeof data.since === 'string' ? data.since : undefined;
  const revision = typeof data.revision === 'string' ? data.revision : event.revision;
  const facts = [
    `Failed passes in a row: ${failedPasses ?? 'unknown'}`,
    `Failing since:          ${since ?? 'unknown'}`,
    `Revision acted on:      ${revision ?? 'none (no valid revision)'}`,
  ];
  if (event.type === 'controller.failing') {
    const error = typeof data.error === 'string' ? data.error : event.message;
    return {
      subject: `[pushfleet] controller failing: ${failedPasses ?? 'several'} reconcile passes in a row failed: ${error}`,
      text:
        [
          `The pushfleet controller's reconcile passes keep failing: no rollout moves until one succeeds.`,
          '',
          `Last error:             ${error}${typeof data.code === 'string' ? ` (${data.code})` : ''}`,
          ...facts,
          `Turned red at:          ${iso(event.at)}`,
          '',
          'Readiness (/readyz) answers 503 meanwhile. Next steps: `pushfleet status --store <url>`',
          "shows the last error; the controller log has one 'reconcile pass failed' line per pass.",
          'A controller.recovered message follows when a pass succeeds again.',
          '',
          `Event: ${event.type} #${event.seq} at ${iso(event.at)}`,
        ].join('\n') + '\n',
    };
  }
  const failedFor = typeof data.failedForMs === 'number' ? formatDuration(data.failedForMs) : 'an unknown time';
  return {
    subject: `[pushfleet] controller recovered after ${failedFor} (${failedPasses ?? 'several'} failed passes)`,
    text:
      [
        `The pushfleet controller's reconcile passes succeed again at ${iso(event.at)}; readiness is back.`,
        '',
        `Failing for:            ${failedFor}`,
        ...facts,
        `Last error was:         ${typeof data.lastError === 'string' ? data.lastError : 'unknown'}`,
        '',
        `Event: ${event.type} #${event.seq} at ${iso(event.at)}`,
      ].join('\n') + '\n',
  };
}
