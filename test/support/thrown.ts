import { expect } from '@jest/globals';

/** Run fn, expect it to throw an instance of Type, and return that error for further checks. */
export function thrown<T extends Error>(fn: () => unknown, Type: abstract new (...args: never[]) => T): T {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Type);
    return err as T;
  }
  throw new Error(`expected a ${Type.name}`);
}
