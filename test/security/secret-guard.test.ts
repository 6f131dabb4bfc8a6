import { describe, expect, test } from '@jest/globals';
import { startSandbox } from '../../src/sandbox/index.js';
import { assertNoSecrets, secretsOf } from '../support/secrets.js';
import { singerSync } from '../../src/commands/singer-sync.js';
import { tempDir, writeJson } from '../support/cli.js';
import { runCommandInProcess } from '../support/command.js';
import { token } from '../sandbox/helpers.js';

/**
 * The guard every CLI run of the suite goes through (test/support/cli.ts, the interop pipe), and every command or sync
 * run in process (test/support/command.ts, in-process.ts): it must catch a leak, or the suite's "no secret in any
 * output" would prove nothing.
 */
describe('secret guard', () => {
  test('finds a client secret and a hash key named by --config, and a sandbox access token', async () => {
    const config = writeJson(tempDir(), 'c.json', { client_secret: 'hunter2-very-secret' });
    expect(secretsOf(['--config', config, '--state', 'x.json'])).toEqual(['hunter2-very-secret']);
    const withKey = writeJson(tempDir(), 'c.json', { client_secret: 'hunter2-very-secret', hash_key: 'hash-key-also-secret' });
    expect(secretsOf(['--config', withKey])).toEqual(['hunter2-very-secret', 'hash-key-also-secret']);
    expect(() => assertNoSecrets('error: bad secret hunter2-very-secret', ['hunter2-very-secret'], 'stderr')).toThrow(/client secret/);
    const sandbox = await startSandbox({ records: 10 });
    try {
      const accessToken = await token(sandbox);
      expect(() => assertNoSecrets(`Authorization: Bearer ${accessToken}`, [], 'stderr')).toThrow(/access token/);
    } finally {
      await sandbox.stop();
    }
    expect(() => assertNoSecrets('all fine', ['hunter2-very-secret'], 'stderr')).not.toThrow();
  });

  test('a debug-level sync (every log line, stack traces on) leaks neither the secret nor a token', async () => {
    const sandbox = await startSandbox({ records: 300, faults: { script: [401, 'ok', 503, 'ok'] } });
    try {
      const config = writeJson(tempDir(), 'c.json', sandbox.tapConfig({ backoff_factor: 0 }));
      // In process as the CLI runs it with --debug (test/support/command.ts), which searches stdout and stderr as
      // runCli does: reaching the next line means nothing leaked.
      const run = await runCommandInProcess('singer', ['--config', config], (logger, signal, out) => singerSync({ config: [config], out }, logger, signal), { debug: true });
      expect(run.code).toBeUndefined();
      expect(run.stderr).toMatch(/DEBUG/);
      const bad = writeJson(tempDir(), 'bad.json', sandbox.tapConfig({ client_secret: 'wrong-but-secret-42' }));
      const failed = await runCommandInProcess('singer', ['--config', bad], (logger, signal, out) => singerSync({ config: [bad], out }, logger, signal), { debug: true });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/invalid_client/);
    } finally {
      await sandbox.stop();
    }
  });
});
