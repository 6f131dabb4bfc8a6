import { ConfigError } from '../errors.js';
import { PRIMARY_KEY, REPLICATION_KEY } from '../stream.js';

/** What happens to the value a path names. */
export type PathAction = 'hash' | 'drop';

/**
 * The paths of hash_properties and drop_properties as one tree, walked alongside a record (record-editor.ts) or its
 * schema (schema-editor.ts). A node with an action ends a path; its value is hashed or dropped whole.
 */
export interface PathNode {
  action?: PathAction;
  /** The object's members, by name. */
  readonly members: Map<string, PathNode>;
  /** Each item of the array (`name[]`). */
  items?: PathNode;
}

/** A path's steps: a member name, or `[]` for each item of an array. */
export type PathStep = { member: string } | { items: true };

/** Most steps in one path (a member name or a `[]` each): deeper paths are typing mistakes, not records. */
export const MAX_PATH_STEPS = 32;

const SETTING: Record<PathAction, string> = { hash: 'hash_properties', drop: 'drop_properties' };

/**
 * Read a path such as `booker.email`, `passengers[].person.email` or `seats[]`: member names joined by dots, each
 * optionally followed by `[]` ("each item of this array", as many times as arrays are nested). A name is any text
 * without `.`, `[` or `]`. Throws a ConfigError naming the setting and the path.
 */
export function parsePath(path: string, setting: string): PathStep[] {
  const bad = (why: string) => new ConfigError(`${setting}: ${JSON.stringify(path)} ${why}`);
  if (path.trim() === '') throw bad('is empty; write a property path such as "booker.email" or "passengers[].person.email"');
  if (path !== path.trim()) throw bad('has spaces around it');
  const steps: PathStep[] = [];
  for (const part of path.split('.')) {
    const m = /^([^.[\]]+)((?:\[\])*)$/.exec(part);
    if (!m) {
      if (part === '') throw bad('has an empty name (two dots in a row, or a dot at either end)');
      throw bad(`is not a property path: ${JSON.stringify(part)} should be a name, optionally followed by [] for each item of an array (as in "passengers[].person.email")`);
    }
    steps.push({ member: m[1]! });
    for (let k = 0; k < m[2]!.length / 2; k++) steps.push({ items: true });
  }
  if (steps.length > MAX_PATH_STEPS) throw bad(`has ${steps.length} steps; at most ${MAX_PATH_STEPS} are allowed`);
  return steps;
}

/** The path as written, from its steps. */
export function formatPath(steps: readonly PathStep[]): string {
  return steps.map((s, i) => ('member' in s ? `${i > 0 ? '.' : ''}${s.member}` : '[]')).join('');
}

/** A fresh node. */
export function pathNode(): PathNode {
  return { members: new Map() };
}

/**
 * Build the tree of both settings' paths, refusing what cannot mean anything: the primary key or the replication key
 * (the target could no longer merge records, nor the tap keep its bookmarks), a drop ending in `[]` (drop the array
 * instead), a path inside one already hashed or dropped, and a path given twice. Returns undefined when there are no
 * paths at all.
 */
export function buildPathTree(hashPaths: readonly string[], dropPaths: readonly string[]): PathNode | undefined {
  if (hashPaths.length === 0 && dropPaths.length === 0) return undefined;
  const root = pathNode();
  /** Where each path's end was put, to name the other path in a conflict. */
  const given = new Map<PathNode, { path: string; setting: string }>();
  const entries = [...hashPaths.map((path) => ({ path, action: 'hash' as const })), ...dropPaths.map((path) => ({ path, action: 'drop' as const }))];
  for (const { path, action } of entries) {
    const setting = SETTING[action];
    const steps = parsePath(path, setting);
    const first = (steps[0] as { member: string }).member;
    if (first === PRIMARY_KEY || first === REPLICATION_KEY) {
      const role = first === PRIMARY_KEY ? 'primary key' : 'replication key';
      throw new ConfigError(`${setting}: ${JSON.stringify(path)} cannot be ${action === 'hash' ? 'hashed' : 'dropped'}: "${first}" is the stream's ${role}, which targets merge on and bookmarks are made of.`);
    }
    if (action === 'drop' && 'items' in steps[steps.length - 1]!) {
      throw new ConfigError(`${setting}: ${JSON.stringify(path)} ends in []: an array's items cannot be dropped one by one; drop the array itself (${JSON.stringify(formatPath(steps.slice(0, -1)))}) or a property of its items.`);
    }
    let node = root;
    for (const step of steps) {
      const owner = given.get(node);
      if (owner) throw inside(setting, path, owner);
      let next = 'member' in step ? node.members.get(step.member) : node.items;
      if (!next) {
        next = pathNode();
        if ('member' in step) node.members.set(step.member, next);
        else node.items = next;
      }
      node = next;
    }
    const earlier = given.get(node);
    if (earlier) {
      throw new ConfigError(earlier.path === path && earlier.setting === setting ? `${setting}: ${JSON.stringify(path)} is given twice.` : `${setting}: ${JSON.stringify(path)} is also in ${earlier.setting} (as ${JSON.stringify(earlier.path)}); give each path once.`);
    }
    if (node.members.size > 0 || node.items) {
      const within = [...given.entries()].find(([n]) => isBelow(n, node))![1];
      throw new ConfigError(`${setting}: ${JSON.stringify(path)} contains ${JSON.stringify(within.path)} (${within.setting}): once ${JSON.stringify(path)} is ${action === 'hash' ? 'hashed' : 'dropped'} whole, nothing is left inside it to ${within.setting === 'hash_properties' ? 'hash' : 'drop'}; give only one of them.`);
    }
    node.action = action;
    given.set(node, { path, setting });
  }
  return root;
}

function inside(setting: string, path: string, owner: { path: string; setting: string }): ConfigError {
  const verb = owner.setting === 'hash_properties' ? 'hashed' : 'dropped';
  return new ConfigError(`${setting}: ${JSON.stringify(path)} lies inside ${JSON.stringify(owner.path)}, which ${owner.setting} already ${verb} whole; give only one of them.`);
}

/** Whether `node` lies strictly below `ancestor`. */
function isBelow(node: PathNode, ancestor: PathNode): boolean {
  for (const child of [...ancestor.members.values(), ...(ancestor.items ? [ancestor.items] : [])]) {
    if (child === node || isBelow(node, child)) return true;
  }
  return false;
}

/**
 * What is wrong with the personal-data settings, one line each, for the config's list of problems: hash_key missing
 * while hash_properties is set, and the first path that cannot be used. Values the spec already refused are skipped.
 */
export function personalDataProblems(hashPaths: unknown, hashKey: unknown, dropPaths: unknown): string[] {
  const paths = (v: unknown) => (Array.isArray(v) && v.every((p) => typeof p === 'string') ? (v as string[]) : []);
  const problems: string[] = [];
  if (paths(hashPaths).length > 0 && hashKey === undefined) problems.push('hash_key: is required when hash_properties is set (a secret of at least 16 characters; keep it to get the same hashes in later runs)');
  try {
    buildPathTree(paths(hashPaths), paths(dropPaths));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(err.message);
  }
  return problems;
}
