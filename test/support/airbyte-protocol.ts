import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { createAjv, type ValidateFunction } from '../../src/util/ajv.js';

/** Validates messages against the Airbyte protocol's own JSON schema (../shared/airbyte/airbyte_protocol.yaml). */
let validate: ValidateFunction | undefined;

export function airbyteMessageValidator(): ValidateFunction {
  if (!validate) {
    const doc = yaml.load(readFileSync(resolve('../shared/airbyte/airbyte_protocol.yaml'), 'utf8')) as Record<string, unknown>;
    const ajv = createAjv({ strict: false, allErrors: true });
    for (const kw of ['existingJavaType', 'javaType']) if (!ajv.getKeyword(kw)) ajv.addKeyword(kw);
    ajv.addSchema({ ...doc, $id: 'airbyte_protocol.yaml' });
    validate = ajv.getSchema('airbyte_protocol.yaml#/definitions/AirbyteMessage')!;
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
