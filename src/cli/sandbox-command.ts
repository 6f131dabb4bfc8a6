import type { Argv } from 'yargs';

/** `tap-bookings sandbox`: registered from the sandbox module once it exists. */
export function registerSandboxCommand<T>(cli: Argv<T>): void {
  void cli;
}
