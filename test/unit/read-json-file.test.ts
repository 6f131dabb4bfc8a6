import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeSync, ftruncateSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ConfigError, StateError } from '../../src/errors.js';
import { MAX_INPUT_FILE_BYTES, readJsonFile } from '../../src/io/read-json-file.js';
import { tempDir } from '../support/cli.js';
import { thrown } from '../support/thrown.js';

/** Config, state and catalog files: regular files of at most 10 MB, anything else refused at once, never read. */
describe('readJsonFile refuses what is not a small regular file', () => {
  const dir = tempDir();
  const socketPath = join(dir, 'config.sock');
  let server: Server;
  beforeAll(() => new Promise<void>((resolve) => (server = createServer().listen(socketPath, resolve))));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A sparse file of `size` bytes: instant to make, whatever the size. */
  function sized(name: string, size: number): string {
    const path = join(dir, name);
    const fd = openSync(path, 'w');
    ftruncateSync(fd, size);
    closeSync(fd);
    return path;
  }

  it.each([
    ['/dev/zero', 'a character device'],
    ['/dev/null', 'a character device'],
    [dir, 'a directory'],
  ])('%s: not a regular file (%s)', (path, kind) => {
    expect(thrown(() => readJsonFile(path, 'Config'), ConfigError).message).toBe(`Config file ${path} is not a regular file (${kind}).`);
  });

  it('a socket: not a regular file', () => {
    expect(thrown(() => readJsonFile(socketPath, 'State', StateError), StateError).message).toBe(`State file ${socketPath} is not a regular file (a socket).`);
  });

  it('a file one byte over 10 MB: too large, and not read', () => {
    const path = sized('big.json', MAX_INPUT_FILE_BYTES + 1);
    const err = thrown(() => readJsonFile(path, 'Catalog'), ConfigError);
    expect(err.message).toBe(`Catalog file ${path} is too large (${MAX_INPUT_FILE_BYTES + 1} bytes); the limit is 10 MB.`);
    expect(err.exitCode).toBe(2);
  });

  it('a file of exactly 10 MB is read', () => {
    const path = join(dir, 'ten.json');
    const padding = MAX_INPUT_FILE_BYTES - '{"a":""}'.length;
    writeFileSync(path, `{"a":"${'x'.repeat(padding)}"}`);
    expect((readJsonFile(path, 'Config') as { a: string }).a).toHaveLength(padding);
  });

  it('reads a file through a symbolic link, and a small file in several chunks', () => {
    const nested = join(dir, 'nested');
    mkdirSync(nested);
    const path = join(nested, 'state.json');
    const value = { bookmarks: { bookings: { partitions: Array.from({ length: 10_000 }, (_, i) => ({ i })) } } };
    writeFileSync(path, JSON.stringify(value)); // about 100 KB: more than one chunk
    symlinkSync(path, join(dir, 'link.json'));
    expect(readJsonFile(join(dir, 'link.json'), 'State')).toEqual(value);
  });
});
