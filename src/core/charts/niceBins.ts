/**
 * Vega's bin boundaries, so that bins computed in Spark are the bins Vega-Lite would have drawn.
 * Written from the documented behaviour of Vega's `bin` (vega-statistics) and the Bin transform
 * (vega-transforms): https://vega.github.io/vega/docs/transforms/bin/
 */

export interface BinOptions {
  /** [min, max] of the valid values. */
  readonly extent: readonly [number, number];
  /** At most this many bins; Vega's own default is 20, Vega-Lite always passes one (10 for x and y). */
  readonly maxbins?: number;
  /** Number base of the nice steps (default 10). */
  readonly base?: number;
  /** Step divisors tried to get closer to maxbins (default [5, 2]). */
  readonly divide?: readonly number[];
  /** An exact step, skipping the search. */
  readonly step?: number;
  /** Allowed steps: the largest one that still gives at least one bin per span/maxbins. */
  readonly steps?: readonly number[];
  readonly minstep?: number;
  /** The span to divide (default max − min). */
  readonly span?: number;
  /** Round start and stop to multiples of the step (default true). */
  readonly nice?: boolean;
}

export interface Bins {
  readonly start: number;
  readonly stop: number;
  readonly step: number;
}

/** The step and the nice [start, stop] that Vega's `bin()` returns for these options. */
export function niceBins(options: BinOptions): Bins {
  const maxbins = options.maxbins || 20;
  const base = options.base || 10;
  const logBase = Math.log(base);
  const divide = options.divide ?? [5, 2];
  let [min, max] = options.extent;
  // A zero span (one distinct value) still needs a positive width to divide.
  const span = options.span || max - min || Math.abs(min) || 1;

  let step: number;
  if (options.step) {
    step = options.step;
  } else if (options.steps) {
    const target = span / maxbins;
    let i = 0;
    while (i < options.steps.length && options.steps[i]! < target) i++;
    step = options.steps[Math.max(0, i - 1)]!;
  } else {
    // Start from the power of the base nearest to span / base^level, where base^level >= maxbins.
    const level = Math.ceil(Math.log(maxbins) / logBase);
    const minstep = options.minstep || 0;
    step = Math.max(minstep, Math.pow(base, Math.round(Math.log(span) / logBase) - level));
    // Too many bins: grow by whole powers of the base.
    while (Math.ceil(span / step) > maxbins) step *= base;
    // Then shrink by each divisor while the bin count stays within maxbins.
    for (const divisor of divide) {
      const smaller = step / divisor;
      if (smaller >= minstep && span / smaller <= maxbins) step = smaller;
    }
  }

  const logStep = Math.log(step);
  const precision = logStep >= 0 ? 0 : ~~(-logStep / logBase) + 1;
  // Guards the floor against a quotient like 2.9999999999999996 that means 3.
  const epsilon = Math.pow(base, -precision - 1);
  if (options.nice ?? true) {
    const floored = Math.floor(min / step + epsilon) * step;
    min = min < floored ? floored - step : floored;
    max = Math.ceil(max / step) * step;
  }
  return { start: min, stop: max === min ? min + step : max, step };
}

/**
 * The boundaries the Bin transform actually uses: the stop pushed to a whole number of steps after the
 * start, the whole grid shifted so that a boundary falls on `anchor` when one is given.
 */
export function binTransformBounds(options: BinOptions & { readonly anchor?: number }): Bins {
  const bins = niceBins(options);
  const { step } = bins;
  let start = bins.start;
  let stop = start + Math.ceil((bins.stop - start) / step) * step;
  if (options.anchor !== undefined && options.anchor !== null) {
    const shift = options.anchor - (start + step * Math.floor((options.anchor - start) / step));
    start += shift;
    stop += shift;
  }
  return { start, stop, step };
}

/** The tolerance Vega adds before flooring a value's bin index, so a value on a boundary opens its bin. */
export const BIN_INDEX_EPSILON = 1e-14;

/** The bin start of one value, exactly as the Bin transform computes it (for tests and client checks). */
export function binStartOf(value: number, bins: Bins): number {
  const { start, stop, step } = bins;
  if (value < start) return -Infinity;
  if (value > stop) return Infinity;
  const clamped = Math.max(start, Math.min(value, stop - step));
  return start + step * Math.floor(BIN_INDEX_EPSILON + (clamped - start) / step);
}

/** The bin end, with the Bin transform's arithmetic (not start + step) so both sides agree to the last bit. */
export function binEndOf(binStart: number, bins: Bins): number {
  return bins.start + bins.step * (1 + (binStart - bins.start) / bins.step);
}
