import { Random } from './random.js';

/**
 * One injected fault. Numbers are HTTP statuses answered with a JSON error (429 carries Retry-After);
 * the strings are the other ways APIs fail.
 */
export type FaultStep =
  | 'ok'
  | 'reset'
  | 'malformed'
  | 'truncated'
  | 'html'
  | 'nodata'
  | 'expire-token'
  | number
  | { status: number; retryAfter?: string }
  | { slow: number };

export interface FaultPlan {
  /** Added to every API and token request, ms. */
  latencyMs?: number;
  /** Consumed one step per API request, in arrival order. */
  script?: FaultStep[];
  /** After the script: probability per request of each fault, e.g. { "429": 0.05, "reset": 0.01 }. */
  rate?: Record<string, number>;
  /** Consumed one step per token request. */
  tokenScript?: FaultStep[];
  /** Retry-After value sent with 429s that do not set their own (seconds). @default "1" */
  retryAfter?: string;
}

/** Holds the current plan and hands out the next fault for each request. */
export class Faults {
  private plan: FaultPlan = {};
  private script: FaultStep[] = [];
  private tokenScript: FaultStep[] = [];
  private readonly random: Random;
  injected = 0;

  constructor(seed: number, initial?: FaultPlan) {
    this.random = new Random(seed ^ 0xfa17);
    if (initial) this.set(initial);
  }

  set(plan: FaultPlan): void {
    this.plan = { ...plan };
    this.script = [...(plan.script ?? [])];
    this.tokenScript = [...(plan.tokenScript ?? [])];
  }

  /** Change only the fields given (e.g. latency) and keep the rest. */
  update(plan: FaultPlan): void {
    this.set({ ...this.plan, ...plan, script: plan.script ?? this.script, tokenScript: plan.tokenScript ?? this.tokenScript });
  }

  clear(): void {
    this.set({});
  }

  get latencyMs(): number {
    return this.plan.latencyMs ?? 0;
  }

  get defaultRetryAfter(): string {
    return this.plan.retryAfter ?? '1';
  }

  describe(): FaultPlan & { remainingScript: number; remainingTokenScript: number; injected: number } {
    return { ...this.plan, remainingScript: this.script.length, remainingTokenScript: this.tokenScript.length, injected: this.injected };
  }

  nextApi(): FaultStep {
    const step = this.script.length > 0 ? this.script.shift()! : this.fromRate();
    if (step !== 'ok') this.injected++;
    return step;
  }

  nextToken(): FaultStep {
    const step = this.tokenScript.shift() ?? 'ok';
    if (step !== 'ok') this.injected++;
    return step;
  }

  private fromRate(): FaultStep {
    for (const [fault, p] of Object.entries(this.plan.rate ?? {})) {
      if (this.random.chance(p)) return /^\d+$/.test(fault) ? Number(fault) : (fault as FaultStep);
    }
    return 'ok';
  }
}
