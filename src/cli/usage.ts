/** A command-line usage mistake (unknown option, missing value, an option given twice): reported without running any command. */
export class UsageError extends Error {}

/**
 * A yargs `coerce` for an option that takes one value: given twice, yargs would hand the command an array (which
 * a file name or a log level is not); given as `--state=` or `--state ""` (an unset shell variable), an empty
 * string that would read as "not given". Both are refused with the option's name.
 */
export function once(option: string): (value: string | string[]) => string {
  return (value) => {
    if (Array.isArray(value)) throw new UsageError(`--${option} is given ${value.length} times (${value.map((v) => JSON.stringify(String(v))).join(', ')}); give it once.`);
    refuseEmpty(option, [value]);
    return value;
  };
}

/** A yargs `coerce` for a repeatable option: each value must be non-empty (`--config=` or `--config "$UNSET"` is a mistake). */
export function nonEmpty(option: string): (values: string[]) => string[] {
  return (values) => {
    refuseEmpty(option, values);
    return values;
  };
}

function refuseEmpty(option: string, values: readonly unknown[]): void {
  if (values.some((v) => String(v).trim() === '')) throw new UsageError(`--${option} is given an empty value (is a shell variable unset?).`);
}
