import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, Options, Ajv as AjvClass } from 'ajv';
import type { FormatsPlugin } from 'ajv-formats';
import { isRfc3339DateTime } from './time.js';

// ajv and ajv-formats are CommonJS packages: under NodeNext their default import is the module object.
type AjvConstructor = new (options?: Options) => AjvClass;
const Ajv = ((AjvModule as unknown as { default?: AjvConstructor }).default ?? AjvModule) as unknown as AjvConstructor;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as unknown as FormatsPlugin;

export type { ErrorObject, ValidateFunction } from 'ajv';

/**
 * A schema's validator as this code calls it: a function of the data that says whether it is valid and leaves the
 * errors on itself. ajv's compiled functions are one; so are the validators generated ahead of time (standalone code
 * has no `schema` or `schemaEnv`, which ajv's ValidateFunction type promises).
 */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
export type AjvInstance = AjvClass;

/** An ajv instance with the standard formats and the keywords our spec files carry. */
export function createAjv(options: Options = {}): AjvClass {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  // The same rules as ajv-formats' full mode, without allocating (see time.ts). (No comparison: nothing
  // here uses formatMinimum and the like.)
  ajv.addFormat('date-time', { type: 'string', validate: isRfc3339DateTime });
  for (const keyword of ['airbyte_secret', 'order', 'pattern_descriptor']) if (!ajv.getKeyword(keyword)) ajv.addKeyword(keyword);
  return ajv;
}
