import type { JsonSchemaObject } from '../catalog/bookings-schema.js';
import { ConfigError } from '../errors.js';
import type { PathNode, PathStep } from './property-paths.js';
import { formatPath } from './property-paths.js';

export const HASHED_DESCRIPTION = 'HMAC-SHA-256 of the value (keyed by hash_key), as 64 lowercase hex digits: of the text for a string, of its JSON text for anything else (hash_properties).';

/**
 * The schema as records come out once the paths are applied: a hashed property becomes a string (nullable if it was:
 * null stays null), a dropped one leaves `properties` and `required`. Paths the schema does not declare are returned
 * (records may still carry them: `additionalProperties` is true); a path that steps into an array where the schema
 * has an object, or the other way round, is a ConfigError saying how to write it. The input schema is not modified.
 */
export function editSchema(schema: JsonSchemaObject, tree: PathNode | undefined): { schema: JsonSchemaObject; undeclared: string[] } {
  if (!tree) return { schema, undeclared: [] };
  const undeclared: string[] = [];
  return { schema: editNode(schema, tree, [], undeclared), undeclared };
}

function editNode(schema: JsonSchemaObject, node: PathNode, at: PathStep[], undeclared: string[]): JsonSchemaObject {
  let out = schema;
  if (node.members.size > 0) {
    if (!hasType(schema, 'object')) {
      if (hasType(schema, 'array')) throw mismatch(node, at, 'array');
      for (const name of node.members.keys()) collectUndeclared(node.members.get(name)!, [...at, { member: name }], undeclared);
    } else {
      const properties = { ...(schema.properties ?? {}) };
      let required = schema.required;
      for (const [name, child] of node.members) {
        const path = [...at, { member: name }];
        const declared = Object.prototype.hasOwnProperty.call(properties, name) ? properties[name] : undefined;
        if (!declared) {
          collectUndeclared(child, path, undeclared);
        } else if (child.action === 'drop') {
          delete properties[name];
          required = required?.filter((r) => r !== name);
        } else if (child.action === 'hash') {
          properties[name] = hashedSchema(declared);
        } else {
          properties[name] = editNode(declared, child, path, undeclared);
        }
      }
      out = { ...out, properties, ...(required ? { required } : {}) };
    }
  }
  if (node.items) {
    const path = [...at, { items: true as const }];
    if (!hasType(schema, 'array')) {
      if (hasType(schema, 'object')) throw mismatch(node, at, 'object');
      collectUndeclared(node.items, path, undeclared);
    } else if (!isSchema(schema.items)) {
      collectUndeclared(node.items, path, undeclared);
    } else {
      out = { ...out, items: node.items.action === 'hash' ? hashedSchema(schema.items) : editNode(schema.items, node.items, path, undeclared) };
    }
  }
  return out;
}

function hashedSchema(declared: JsonSchemaObject): JsonSchemaObject {
  return { type: hasType(declared, 'null') ? ['string', 'null'] : 'string', description: HASHED_DESCRIPTION };
}

function hasType(schema: JsonSchemaObject, type: string): boolean {
  if (schema.type === undefined) return type === 'object' ? schema.properties !== undefined : type === 'array' ? schema.items !== undefined : false;
  return Array.isArray(schema.type) ? schema.type.includes(type) : schema.type === type;
}

function isSchema(value: unknown): value is JsonSchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A path that steps into an array as an object or the other way round: named with its setting, and written as it
 * should be (the first such path under the node; the node's members, or its items, are where it went wrong).
 */
function mismatch(node: PathNode, at: PathStep[], schemaHas: 'array' | 'object'): ConfigError {
  const leaf = leaves(schemaHas === 'array' ? { members: node.members } : { members: new Map(), items: node.items! }, at)[0]!;
  const fixed = schemaHas === 'array' ? [...at, { items: true as const }, ...leaf.steps.slice(at.length)] : [...at, ...leaf.steps.slice(at.length + 1)];
  const setting = leaf.action === 'hash' ? 'hash_properties' : 'drop_properties';
  const how = schemaHas === 'array' ? 'as an object, but the schema says it is an array' : 'as an array ([]), but the schema says it is an object';
  return new ConfigError(`${setting}: ${JSON.stringify(formatPath(leaf.steps))} steps into ${JSON.stringify(formatPath(at))} ${how}; write ${JSON.stringify(formatPath(fixed))}.`);
}

/** The paths that end at or below a node, with their action. */
function leaves(node: PathNode, at: PathStep[]): Array<{ steps: PathStep[]; action: NonNullable<PathNode['action']> }> {
  const out: Array<{ steps: PathStep[]; action: NonNullable<PathNode['action']> }> = [];
  if (node.action) out.push({ steps: at, action: node.action });
  for (const [name, child] of node.members) out.push(...leaves(child, [...at, { member: name }]));
  if (node.items) out.push(...leaves(node.items, [...at, { items: true }]));
  return out;
}

/** Every path that ends at or below a node the schema does not declare. */
function collectUndeclared(node: PathNode, at: PathStep[], out: string[]): void {
  for (const leaf of leaves(node, at)) out.push(formatPath(leaf.steps));
}
