import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The PostgreSQL server the interop suite loads into: the one scripts/interop-setup.sh started
 * (its settings in .interop/pg.env), or the caller's own when PGHOST is set. Queried with psql, the
 * client that comes with the server, so the suite needs no PostgreSQL driver of its own.
 */
export interface PgSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function pgSettings(): PgSettings {
  const fromFile: Record<string, string> = {};
  const file = resolve('.interop/pg.env');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) fromFile[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  const get = (k: string, d: string) => process.env[k] ?? fromFile[k] ?? d;
  if (!process.env.PGHOST && !fromFile.PGHOST) {
    throw new Error('No PostgreSQL for the interop suite: run scripts/interop-setup.sh (or set PGHOST and friends to a server of yours).');
  }
  return { host: get('PGHOST', '127.0.0.1'), port: Number(get('PGPORT', '5432')), user: get('PGUSER', 'postgres'), password: get('PGPASSWORD', ''), database: get('PGDATABASE', 'postgres') };
}

function psqlEnv(pg: PgSettings): NodeJS.ProcessEnv {
  return { ...process.env, PGOPTIONS: '-c client_min_messages=warning', PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password, PGDATABASE: pg.database };
}

/** Run SQL through psql; returns its unaligned, tuples-only output. */
export function psql(pg: PgSettings, sql: string): string {
  return execFileSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], { env: psqlEnv(pg), encoding: 'utf8', maxBuffer: 1 << 30 });
}

/** Every row of a table as JSON objects (row_to_json), or [] if the table does not exist. */
export function tableRows(pg: PgSettings, schema: string, table: string): Array<Record<string, unknown>> {
  const exists = psql(pg, `select to_regclass('"${schema}"."${table}"') is not null`).trim();
  if (exists !== 't') return [];
  const out = psql(pg, `select coalesce(json_agg(row_to_json(t)), '[]'::json) from "${schema}"."${table}" t`);
  return JSON.parse(out) as Array<Record<string, unknown>>;
}

export function dropSchema(pg: PgSettings, schema: string): void {
  psql(pg, `drop schema if exists "${schema}" cascade`);
}

/** target-postgres's config (the MeltanoLabs variant) for this server and schema. */
export function targetPostgresConfig(pg: PgSettings, schema: string): Record<string, unknown> {
  return { host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database, default_target_schema: schema };
}
