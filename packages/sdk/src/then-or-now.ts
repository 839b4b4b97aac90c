/**
 * Applies `fn` to a value that may or may not be a promise, without adding a promise when it is not:
 * guards sit on every call, and most handlers answer synchronously.
 */
export function thenOrNow<T, R>(value: T | PromiseLike<T>, fn: (value: T) => R): R | Promise<R> {
  if (typeof (value as PromiseLike<T> | null)?.then === "function") return Promise.resolve(value).then(fn);
  return fn(value as T);
}
