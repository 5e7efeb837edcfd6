/**
 * The most timestamps in any window of `windowMs`: how rate limits are checked from the outside. A token bucket
 * of size `burst` allows at most burst + rate·window in any window.
 */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] ?? 0) - (sorted[i] ?? 0) >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
