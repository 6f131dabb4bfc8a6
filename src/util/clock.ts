import { InterruptedError } from '../errors.js';

/**
 * Time as the tap sees it: the current instant and waiting. Everything that waits or reads the time takes a Clock,
 * so tests can run retries, Retry-After pauses and rate limits on a clock they move themselves.
 */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Resolve after `ms`, or reject with InterruptedError as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new InterruptedError('Interrupted.'));
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new InterruptedError('Interrupted.'));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
