/** Number of `sortedDates` (ascending) at or before `second` (binary search). */
export function countUpTo(sortedDates: ArrayLike<number>, second: number): number {
  let low = 0;
  let high = sortedDates.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sortedDates[middle]! <= second) low = middle + 1;
    else high = middle;
  }
  return low;
}
