/** Text progress bars for terminals (and a plain form when colors are off). */

/** `[#########.........]  45%` of width `width`; `done` and `total` are counts. */
export function progressBar(done: number, total: number, width = 24): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%`;
}
