import { existsSync, readFileSync, statSync } from 'node:fs';
import { TOKEN_PREFIX } from '../../src/sandbox/server.js';

/** An access token issued by the sandbox (they all carry its prefix). */
const SANDBOX_TOKEN = new RegExp(`${TOKEN_PREFIX}[A-Za-z0-9_-]{8,}`);

/** The client secrets and hash keys named by a command line's --config files (ENV and missing files are skipped). */
export function secretsOf(args: string[]): string[] {
  const secrets: string[] = [];
  args.forEach((arg, i) => {
    const path = args[i - 1] === '--config' ? arg : undefined;
    if (!path || path === 'ENV' || !existsSync(path) || !statSync(path).isFile()) return;
    try {
      const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      for (const key of ['client_secret', 'hash_key']) {
        const value = config[key];
        if (typeof value === 'string' && value.length >= 4) secrets.push(value);
      }
    } catch {
      /* a broken config file is what some tests feed in */
    }
  });
  return secrets;
}

/**
 * Throw if an output holds a secret: a client secret given in the config, or any access token the sandbox issued.
 * The test helpers that run the CLI call this on everything it writes, so every test of the suite
 * doubles as a leak check.
 */
export function assertNoSecrets(output: string, secrets: string[], where: string): void {
  for (const secret of secrets) {
    if (output.includes(secret)) throw new Error(`${where} contains the client secret or hash key ${JSON.stringify(secret.slice(0, 2) + '…')}`);
  }
  const token = SANDBOX_TOKEN.exec(output);
  if (token) throw new Error(`${where} contains an access token (${token[0].slice(0, 10)}…)`);
}
