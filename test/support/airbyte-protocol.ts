import { readFileSync } from 'node:fs';
import { createAjv, type ValidateFunction } from '../../src/util/ajv.js';

/**
 * Validates messages against the project's JSON Schema for the Airbyte messages this source emits
 * (airbyte-message.schema.json beside this file, written from the Airbyte protocol spec). The interop suite checks the
 * same output with the official airbyte-protocol-models package as well.
 */
export const AIRBYTE_MESSAGE_SCHEMA_PATH = new URL('./airbyte-message.schema.json', import.meta.url);

let validate: ValidateFunction | undefined;

export function airbyteMessageValidator(): ValidateFunction {
  if (!validate) {
    const schema = JSON.parse(readFileSync(AIRBYTE_MESSAGE_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    // strictSchema: a misspelt keyword in the schema is an error, not a rule silently not checked.
    validate = createAjv({ strictSchema: true, allErrors: true }).compile(schema);
  }
  return validate;
}

/** Throw, naming the message, if any message does not conform. */
export function expectAirbyteMessages(messages: Array<Record<string, unknown>>): void {
  const v = airbyteMessageValidator();
  for (const m of messages) {
    if (!v(m)) throw new Error(`Not a valid AirbyteMessage: ${JSON.stringify(m).slice(0, 300)}\n${JSON.stringify(v.errors, null, 1).slice(0, 1500)}`);
  }
}
