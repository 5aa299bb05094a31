/**
 * Which process holds the leader lease, and whether it has exited. A store records the process
 * that took its lease (migration 002); the SQLite store, whose file lives on one host, lets a
 * lease whose process is gone be taken over at once instead of after its expiry, so a
 * controller restarted after `kill -9` leads straight away (docs/decisions/0006-sqlite-lease.md).
 *
 * Every doubt answers "still running": a wrong "gone" would let two controllers act at once,
 * a wrong "running" only makes the newcomer wait for the lease to expire.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { LeaseRecord } from './store.js';

/** A process that takes a lease. */
export interface LeaseProcess {
  /**
   * The host name and, on Linux, the process-id namespace: containers can share a host name and
   * a volume without sharing process ids, and must never judge each other's pids.
   */
  readonly host: string;
  readonly pid: number;
}

/** This process. Reads /proc, so call it when a store opens, not at import. */
export function thisProcess(): LeaseProcess {
  let namespace = '';
  try {
    namespace = ` ${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    // Not Linux, or /proc hidden: the host name alone (a platform without pid namespaces).
  }
  return { host: `${hostname()}${namespace}`, pid: process.pid };
}

/**
 * Whether `holder`, seen from `self`, is a process of the same host and namespace that has
 * exited. False for another host, another namespace, an unknown process (a lease taken before
 * migration 002), or this very process.
 */
export function leaseProcessGone(holder: Pick<LeaseRecord, 'host' | 'pid'>, self: LeaseProcess): boolean {
  const { host, pid } = holder;
  if (host !== self.host || typeof pid !== 'number' || pid === self.pid) return false;
  // kill(0 or negative) would probe a process group, not a process.
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  return isZombie(pid);
}

/**
 * A killed process its parent has not reaped yet still answers signal 0; Linux shows it in
 * state Z (or X while it is being reaped). Elsewhere there is no /proc: treated as running.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command) state ...": the command may hold spaces and parentheses, so read after the last ')'.
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}
