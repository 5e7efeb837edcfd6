/** The value below which `p` % of `values` fall (nearest rank), to 0.1. */
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10 : NaN;
};

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
