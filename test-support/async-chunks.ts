/**
 * `chunks` as an AsyncIterable, the shape of a response body: each `next()` takes the next chunk from
 * `chunks` only when it is called (a test can count what a reader pulled) and resolves with it.
 */
export function asyncChunks<T>(chunks: Iterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => {
      const iterator = chunks[Symbol.iterator]();
      return { next: () => Promise.resolve(iterator.next()) };
    },
  };
}
