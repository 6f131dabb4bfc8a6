import type { FaultPlan } from './faults.js';
import type { SandboxBookingType } from './generate.js';
import { DEFAULT_OPTIONS, SandboxServer, type Schedule, type SandboxOptions, type SandboxStats } from './server.js';

export type { FaultPlan, FaultStep } from './faults.js';
export type { SandboxOptions, SandboxStats, Schedule } from './server.js';
export type { SandboxBookingType } from './generate.js';

export interface Sandbox {
  url: string;
  port: number;
  clientId: string;
  clientSecret: string;
  /** A tap config for this sandbox (all its data in the window), with overrides. */
  tapConfig(overrides?: Record<string, unknown>): Record<string, unknown>;
  store: {
    groundTruth(bookingType?: SandboxBookingType): Array<Record<string, unknown>>;
    mutate(count: number, bookingType?: SandboxBookingType): Array<Record<string, unknown>>;
    insert(count: number, bookingType?: SandboxBookingType): Array<Record<string, unknown>>;
  };
  faults: {
    set(plan: FaultPlan): void;
    update(plan: FaultPlan): void;
    clear(): void;
    schedule(schedule: Schedule | undefined): void;
    expireTokens(): void;
    revokeTokens(): void;
  };
  stats(): SandboxStats;
  stop(): Promise<void>;
}

/** Start the sandbox travel API on loopback; resolves once it listens. */
export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const opts: SandboxOptions = { ...DEFAULT_OPTIONS, ...options };
  const server = new SandboxServer(opts);
  const url = await server.listen();
  const present = Object.entries(server.store.counts()).filter(([, n]) => n > 0).map(([t]) => t);
  return {
    url,
    port: Number(new URL(url).port),
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    tapConfig: (overrides = {}) => ({
      base_url: url,
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
      start_date: opts.dataFrom,
      booking_types: present.filter((t) => t === 'FLIGHT' || t === 'HOTEL').length > 0 ? present.filter((t) => t === 'FLIGHT' || t === 'HOTEL') : present,
      page_size: 50,
      first_page: opts.firstPage,
      ...(opts.fromParam !== 'updatedFrom' ? { window_from_param: opts.fromParam } : {}),
      ...(opts.toParam !== 'updatedTo' ? { window_to_param: opts.toParam } : {}),
      ...overrides,
    }),
    store: {
      groundTruth: (t) => server.store.groundTruth(t),
      mutate: (n, t) => server.store.mutate(n, t),
      insert: (n, t) => server.store.insert(n, t),
    },
    faults: {
      set: (plan) => server.faults.set(plan),
      update: (plan) => server.faults.update(plan),
      clear: () => {
        server.faults.clear();
        server.setSchedule(undefined);
      },
      schedule: (s) => server.setSchedule(s),
      expireTokens: () => server.expireTokens(),
      revokeTokens: () => server.revokeTokens(),
    },
    stats: () => server.stats(),
    stop: () => server.close(),
  };
}
