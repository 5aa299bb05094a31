/**
 * `GET /api/v1/events`: the event log. `after=SEQ` returns events with a larger sequence number
 * (oldest first: poll with the last `seq` seen); `order=desc` returns the newest first;
 * `rollout=ID` keeps one rollout's; `type=job.failed,rollout.halted` keeps those types (so
 * failures do not scroll out behind successes); `limit` default 100, at most 1,000.
 */
import type { Store } from '../../store/store.js';
import { RequestError, queryInt } from '../http-io.js';
import { eventView, type EventView } from './views.js';

/** A page of events; `last` is the largest sequence number returned (or `after`). */
export interface EventPage {
  readonly events: readonly EventView[];
  readonly last: number;
}

/** Reads a page of events. */
export async function eventPage(store: Store, query: URLSearchParams): Promise<EventPage> {
  const after = queryInt(query, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = queryInt(query, 'limit', 100, 1, 1_000);
  const order = query.get('order') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw new RequestError(400, 'bad-parameter', `query parameter "order" must be asc or desc, not "${order}"`);
  const rolloutId = query.get('rollout') || undefined;
  const types = eventTypes(query);
  const events = await store.listEvents({ afterSeq: after, limit, rolloutId, newestFirst: order === 'desc', ...(types ? { types } : {}) });
  return { events: events.map(eventView), last: events.reduce((m, e) => Math.max(m, e.seq), after) };
}

const EVENT_TYPE = /^[a-z]+(\.[a-z-]+)+$/;

/** `type=a.b,c.d` (repeatable): event types to keep, or undefined for all. */
function eventTypes(query: URLSearchParams): readonly string[] | undefined {
  const values = query.getAll('type').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (values.length === 0) return undefined;
  const bad = values.find((v) => !EVENT_TYPE.test(v));
  if (bad !== undefined) throw new RequestError(400, 'bad-parameter', `query parameter "type": "${bad}" is not an event type like job.failed`);
  if (values.length > 50) throw new RequestError(400, 'bad-parameter', 'query parameter "type" lists more than 50 event types');
  return values;
}
