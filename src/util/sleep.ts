import { InterruptedError } from '../errors.js';

/** Wait `ms`, or reject with InterruptedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError('Interrupted.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new InterruptedError('Interrupted.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
