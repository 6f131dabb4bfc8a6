/**
 * The two JSON-schema validators a sync needs, generated ahead of time as code (ajv's standalone mode) by `npm run
 * generate` (scripts/generate.mjs); test/packaging/spec-outputs.test.ts fails when they differ from what this renders.
 * Loading ajv and compiling the schemas at every start cost about 16 MB of resident memory (ajv's modules and the
 * code it generates) and its start-up time; the generated modules are the same validators, compiled with the same
 * options (so their errors, and the messages made from them, are the same), without ajv: only this module
 * (for `npm run generate`) and the tests load it.
 */
import standaloneModule from 'ajv/dist/standalone/index.js';
import type { AnyValidateFunction } from 'ajv/dist/core.js';
import { _ } from 'ajv';
import { bookingsSchema } from '../catalog/bookings-schema.js';
import { createAjv, type AjvInstance as AjvClass } from '../util/ajv.js';
import { connectorSpec } from './spec.js';

type Standalone = (ajv: AjvClass, validate: AnyValidateFunction) => string;
const standaloneCode = ((standaloneModule as unknown as { default?: Standalone }).default ?? standaloneModule) as unknown as Standalone;

/** Where the formats are found in the generated code: replaced by imports of this package's own format checks. */
const FORMATS = 'FORMATS';
const FORMAT_IMPORTS: Record<string, { name: string; from: string }> = { 'date-time': { name: 'isRfc3339DateTime', from: '../util/time.js' } };

function validatorModule(ajv: AjvClass, schema: object, what: string): string {
  let code = standaloneCode(ajv, ajv.compile(schema));
  const imports = new Set<string>();
  code = code.replace(new RegExp(`require\\("${FORMATS}"\\)\\["([^"]+)"\\]`, 'g'), (_match, format: string) => {
    const known = FORMAT_IMPORTS[format];
    if (!known) throw new Error(`generate: no check for the format "${format}" (add it to FORMAT_IMPORTS)`);
    imports.add(`import { ${known.name} } from '${known.from}';`);
    return `{ validate: ${known.name} }`;
  });
  // ajv's small run-time helpers (ucs2length for string lengths, …): each a module of its own, not ajv itself.
  code = code.replace(/require\("ajv\/dist\/runtime\/([a-z0-9]+)"\)/g, (_match, name: string) => {
    imports.add(`import runtime_${name} from 'ajv/dist/runtime/${name}.js';`);
    return `runtime_${name}`;
  });
  // Typed where it is exported, so that its users need no cast (a type-only import: nothing of ajv is loaded).
  code = code.replace(/export const validate = (validate\d+);/, (_match, name: string) => {
    imports.add(`import type { SchemaValidator } from '../util/ajv.js';`);
    return `export const validate: SchemaValidator = ${name};`;
  });
  if (/\brequire\(/.test(code)) throw new Error(`generate: the ${what} validator needs a module this generator does not import: ${/\brequire\([^)]*\)/.exec(code)![0]}`);
  return [
    `// Generated from ${what} by \`npm run generate\` (src/config/validator-outputs.ts): ajv's standalone code. Edit the schema, not this file.`,
    '// @ts-nocheck',
    '/* eslint-disable */',
    ...imports,
    code.replace(/^"use strict";/, ''),
    '',
  ].join('\n');
}

export function validatorOutputs(): Record<string, string> {
  const code = { source: true, esm: true, formats: _`require(${FORMATS})` };
  return {
    // As load-config.ts used it: every error, with the schema and the value in each (messages name a setting's range).
    'src/generated/settings-validator.generated.ts': validatorModule(createAjv({ verbose: true, code }), connectorSpec().connectionSpecification, 'spec.json'),
    // As the record check used it: the first error only.
    'src/generated/bookings-validator.generated.ts': validatorModule(createAjv({ allErrors: false, code }), bookingsSchema(), 'src/schema/bookings.schema.json'),
  };
}
