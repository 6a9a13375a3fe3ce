/**
 * The simulator's own seeded randomness: every generated record and every injected fault follows
 * from a seed, so a test, a benchmark or a demo run can be repeated exactly. Math.random is never used.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: tiny, fast and good enough for test data. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Mixes several integers into one 32-bit seed, so that independent streams (one per day, one per
 * call) can be derived from the user's seed without depending on the order they are drawn in.
 */
export function mixSeed(...parts: number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    // Split doubles into two 32-bit halves so that large values (LocalSeconds, conn ids) mix fully.
    const low = part >>> 0;
    const high = Math.floor(part / 4_294_967_296) >>> 0;
    for (const word of [low, high]) {
      hash = Math.imul(hash ^ word, 0x01000193);
      hash ^= hash >>> 13;
    }
  }
  return Math.imul(hash ^ (hash >>> 16), 0x85ebca6b) >>> 0;
}

/** A whole number in [0, bound). */
export function randomInt(random: Random, bound: number): number {
  return Math.floor(random() * bound);
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[randomInt(random, items.length)] as T;
}

/** A whole number whose mean is `mean`: the integer part plus one with the fractional part's probability. */
export function roundRandomly(random: Random, mean: number): number {
  const whole = Math.floor(mean);
  return whole + (random() < mean - whole ? 1 : 0);
}

/** A 32-bit number for a text (FNV-1a over its UTF-16 code units): mixes names into seeds. */
export function textSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}
