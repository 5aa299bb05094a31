/** Text progress bars for terminals, and the plain percentage where bars are off (a pipe, NO_COLOR). */

function ratioOf(done: number, total: number): number {
  return total === 0 ? 1 : Math.max(0, Math.min(1, done / total));
}

/** `  45%`: the same figure as `progressBar` without the bar (`width` is ignored). */
export function percentOnly(done: number, total: number, _width?: number): string {
  return `${String(Math.round(ratioOf(done, total) * 100)).padStart(3)}%`;
}

/** `[#########.........]  45%` of width `width`; `done` and `total` are counts. */
export function progressBar(done: number, total: number, width = 24): string {
  const filled = Math.round(ratioOf(done, total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percentOnly(done, total)}`;
}
