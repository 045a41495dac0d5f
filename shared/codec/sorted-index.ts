// Binary search over ascending numbers: the codec keeps entity ids sorted (a committed tick's, a mirror
// state's layout) and looks them up by value on every encode and apply.

/** The index of `value` among the first `length` entries of `sorted` (ascending), or -1. */
export function indexOfSorted(sorted: ArrayLike<number>, length: number, value: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = sorted[mid];
    if (at === value) return mid;
    if (at < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
