/**
 * How a push job ends. Its plan (start, duration, planned errors) is drawn from the seed and
 * the job id when its request starts: an org's forced outcome first, then the `stuck` and
 * `jobFailure` rates with the ErrorType weights. A planned success still fails IneligibleUpgrade
 * when the org stopped qualifying before the job ends (uninstalled, inactive, beta, already at
 * or above the target, restricted when enforced at run time).
 */
import { compareVersionRows, type Fleet } from './fleet.js';
import type { IdAllocator } from './ids.js';
import { catalogText, DEFAULT_ERROR_WEIGHTS, RUNTIME_INELIGIBLE } from './push-error-catalog.js';
import type { EngineSettings, JobMeta, JobPlan } from './push-records.js';
import { pickWeighted, unitDraw } from './random.js';
import type { Row, Store } from './store.js';
import type { FakeJobOutcome, FakePushErrorInput, PushErrorType } from './types.js';

/** Draws the plan of `jobId` for a request starting at `requestStart`. */
export function planJob(jobId: string, outcome: FakeJobOutcome | undefined, settings: EngineSettings, requestStart: number): JobPlan {
  const { seed, rates, timing } = settings;
  const draw = (what: string): number => unitDraw(seed, `${what}:${jobId}`);
  const startAt = requestStart + Math.floor(draw('spread') * (timing.jobStartSpreadMs ?? 0));
  const d = timing.jobDurationMs ?? { min: 60_000, max: 600_000 };
  const duration = typeof d === 'number' ? d : d.min + Math.floor(draw('duration') * (d.max - d.min + 1));
  const endAt = startAt + Math.max(0, duration);
  if (outcome === 'stuck') return { startAt, endAt: undefined, errors: undefined };
  if (outcome === 'succeed') return { startAt, endAt, errors: undefined };
  if (outcome === 'fail') return { startAt, endAt, errors: [{ errorType: 'UnclassifiedError' }] };
  if (outcome && typeof outcome === 'object') {
    const errors = Array.isArray(outcome.fail) ? (outcome.fail as readonly FakePushErrorInput[]) : [outcome.fail as FakePushErrorInput];
    return { startAt, endAt, errors };
  }
  if (draw('stuck') < (rates.stuck ?? 0)) return { startAt, endAt: undefined, errors: undefined };
  if (draw('fail') >= (rates.jobFailure ?? 0)) return { startAt, endAt, errors: undefined };
  const errorType: PushErrorType = pickWeighted(rates.errorTypes ?? DEFAULT_ERROR_WEIGHTS, draw('type')) ?? 'UnclassifiedError';
  const errors: FakePushErrorInput[] = [{ errorType }];
  if (draw('warning') < (rates.extraWarning ?? 0)) {
    errors.push({ errorType: 'UnclassifiedError', severity: 'Warning', title: 'Post-install script warning', message: 'The post-install script logged a warning' });
  }
  return { startAt, endAt, errors };
}

/** The IneligibleUpgrade error of an org that no longer qualifies for `target`, if any. */
export function runtimeIneligibility(
  fleet: Fleet,
  orgKey: string,
  sub: Row | undefined,
  target: Row,
  settings: EngineSettings,
): readonly FakePushErrorInput[] | undefined {
  if (!sub || sub['InstalledStatus'] !== 'i') return [RUNTIME_INELIGIBLE.notInstalled];
  if (fleet.org(orgKey)?.orgStatus === 'Inactive') return [RUNTIME_INELIGIBLE.inactive];
  const installed = fleet.version(sub['MetadataPackageVersionId'] as string);
  if (!installed || installed['ReleaseState'] === 'Beta') return [RUNTIME_INELIGIBLE.beta];
  if (compareVersionRows(installed, target) >= 0) return [RUNTIME_INELIGIBLE.alreadyCurrent];
  if (sub['HasRestrictionEnabled'] === true && settings.restrictionEnforcement === 'run') return [RUNTIME_INELIGIBLE.restricted];
  return undefined;
}

/** Writes one PackagePushError row for `job` at `at`. */
export function writePushError(store: Store, ids: IdAllocator, seed: number, job: JobMeta, e: FakePushErrorInput, at: number, index: number): void {
  const n = Math.floor(unitDraw(seed, `gack:${job.id}:${index}`) * 800_000_000);
  const text = catalogText(e.errorType, n);
  const row = store.insert('PackagePushError', {
    Id: ids.allocate('0DY'),
    PackagePushJobId: job.id,
    ErrorSeverity: e.severity ?? 'Error',
    ErrorType: e.errorType,
    ErrorTitle: e.title ?? text.title,
    ErrorMessage: e.message ?? text.message,
    ErrorDetails: e.details !== undefined ? e.details : text.details,
    SystemModstamp: at,
  });
  job.errors.push(row);
}
