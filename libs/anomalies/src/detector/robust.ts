/** Median of the values (NaN for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median absolute deviation scaled to a normal distribution's standard deviation (1.4826 x MAD). */
export function robustSpread(values: readonly number[], center = median(values)): number {
  if (values.length === 0) return Number.NaN;
  return 1.4826 * median(values.map((v) => Math.abs(v - center)));
}

/** Index of the first element of `sorted` not below `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The last `capacity` values in arrival order and sorted, so that the median is read in O(1)
 * and the MAD in O(n) without sorting: a detector run judges every series' metrics each minute,
 * a week's replay millions of times.
 */
export class RollingWindow {
  private readonly arrivals: number[] = [];
  private readonly sorted: number[] = [];

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.arrivals.length;
  }

  push(value: number): void {
    this.arrivals.push(value);
    this.sorted.splice(lowerBound(this.sorted, value), 0, value);
    if (this.arrivals.length > this.capacity) {
      const oldest = this.arrivals.shift()!;
      this.sorted.splice(lowerBound(this.sorted, oldest), 1);
    }
  }

  values(): readonly number[] {
    return this.arrivals;
  }

  median(): number {
    const s = this.sorted;
    if (s.length === 0) return Number.NaN;
    const mid = s.length >> 1;
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  }

  /** 1.4826 x the median absolute deviation from the median: the deviations, in order, walking out from it. */
  spread(): number {
    const s = this.sorted;
    const n = s.length;
    if (n === 0) return Number.NaN;
    const center = this.median();
    // the deviations of a sorted array grow outward from the center: merge the two sides
    let right = lowerBound(s, center);
    let left = right - 1;
    const take = (k: number): number => {
      let last = 0;
      for (let i = 0; i <= k; i++) {
        const dl = left >= 0 ? center - s[left] : Number.POSITIVE_INFINITY;
        const dr = right < n ? s[right] - center : Number.POSITIVE_INFINITY;
        if (dl <= dr) {
          last = dl;
          left--;
        } else {
          last = dr;
          right++;
        }
      }
      return last;
    };
    const mid = n >> 1;
    if (n % 2) return 1.4826 * take(mid);
    const lower = take(mid - 1);
    return 1.4826 * ((lower + take(0)) / 2);
  }
}
