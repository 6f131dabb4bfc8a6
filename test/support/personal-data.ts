import { createHmac } from 'node:crypto';
import type { PathNode } from '../../src/privacy/property-paths.js';

/** The lowercase hex HMAC-SHA-256 of a text: what a hashed value must be, computed independently of the editor. */
export function hmacHex(key: string, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/**
 * The edits of hash_properties and drop_properties applied to a parsed value, written plainly (the reference the
 * byte-level editor is compared with): a hashed string by its characters, anything else by its JSON text, null kept.
 * Modifies and returns the value.
 */
export function referenceEdit(value: unknown, node: PathNode, key: string): unknown {
  if (node.action === 'hash') return value === null ? null : hmacHex(key, typeof value === 'string' ? value : JSON.stringify(value));
  if (Array.isArray(value)) return node.items ? value.map((item) => referenceEdit(item, node.items!, key)) : value;
  if (typeof value === 'object' && value !== null && node.members.size > 0) {
    const obj = value as Record<string, unknown>;
    for (const [name, child] of node.members) {
      if (!Object.prototype.hasOwnProperty.call(obj, name)) continue;
      if (child.action === 'drop') delete obj[name];
      else obj[name] = referenceEdit(obj[name], child, key);
    }
  }
  return value;
}
