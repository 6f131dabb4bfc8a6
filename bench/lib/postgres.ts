import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The PostgreSQL the pipeline rows load into: `.interop/pg.env` (scripts/interop-setup.sh), overridden by PG* variables. */
export interface Pg {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function findPostgres(root: string): Pg | null {
  const file = join(root, '.interop', 'pg.env');
  const vars: Record<string, string> = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^(PG[A-Z]+)=(.*)$/.exec(line);
      if (m) vars[m[1]!] = m[2]!;
    }
  }
  const v = (k: string) => process.env[k] ?? vars[k];
  if (!v('PGHOST')) return null;
  return { host: v('PGHOST')!, port: Number(v('PGPORT') ?? 5432), user: v('PGUSER') ?? 'postgres', password: v('PGPASSWORD') ?? '', database: v('PGDATABASE') ?? 'postgres' };
}

/** One SQL statement through psql (unaligned, tuples only); throws with psql's message when it fails. */
export function sql(pg: Pg, statement: string): string {
  const env = { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password, PGDATABASE: pg.database, PGOPTIONS: '-c client_min_messages=warning' };
  return execFileSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', statement], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function pgReachable(pg: Pg): boolean {
  try {
    return sql(pg, 'select 1') === '1';
  } catch {
    return false;
  }
}

/** target-postgres (MeltanoLabs) settings for this server, loading into `schema`, plus the variant's own settings. */
export function targetConfig(pg: Pg, schema: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database, default_target_schema: schema, ...extra };
}
