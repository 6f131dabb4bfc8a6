import type { Argv } from 'yargs';
import { registerSandbox } from '../sandbox/cli.js';

/** `tap-bookings sandbox`: the built-in API, for the demo, tests and trying the tap without an account. */
export function registerSandboxCommand<T>(cli: Argv<T>): void {
  registerSandbox(cli);
}
