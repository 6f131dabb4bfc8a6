import { AuthError, ResponseTooLargeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { maskTokenFields } from '../logging/redactor.js';
import type { RequestGate } from '../http/request-gate.js';
import { systemClock, type Clock } from '../util/clock.js';
import { requestWithRetries, UnusableBody, type RetrySettings } from '../http/request-with-retries.js';
import { bodySnippet, describeUrl, headerValue, type Exchange, type Transport } from '../http/transport.js';
import { isPlainObject } from '../io/read-json-file.js';

export interface OAuth2Options {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string | undefined;
  /** "body": client_id/client_secret as form fields; "basic": an HTTP Basic header. */
  method: 'body' | 'basic';
  retry: RetrySettings;
}

interface Token {
  value: string;
  /** Epoch ms after which the token is refreshed before use. */
  refreshAt: number;
}

/** Seconds assumed when the token response has no expires_in. */
const DEFAULT_TTL_SECONDS = 3600;

/**
 * OAuth2 client-credentials tokens: fetched once, shared by all requests (one fetch in flight at a time),
 * refreshed before they expire (at 90% of their life, at most 60 s early), and dropped on a 401.
 */
export class OAuth2ClientCredentials {
  private token: Token | undefined;
  private pending: Promise<Token> | undefined;
  /** Requests sent to the token endpoint, each retry counted. */
  tokenRequests = 0;

  constructor(
    private readonly options: OAuth2Options,
    private readonly transport: Transport,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
    /** The API's shared gate, when the token endpoint belongs to the same API: its pauses hold token requests too. */
    private readonly gate?: RequestGate,
  ) {
    logger.redactor.add(options.clientSecret);
    logger.redactor.add(options.clientId);
    // The Basic credential as a whole: masking only the client id inside it would leave the secret decodable.
    if (options.method === 'basic') logger.redactor.add(basicCredentials(options.clientId, options.clientSecret));
  }

  async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.clock.now() < this.token.refreshAt) return this.token.value;
    this.pending ??= this.fetchToken(signal).finally(() => (this.pending = undefined));
    this.token = await this.pending;
    return this.token.value;
  }

  /** Forget the current token (after the API said 401) unless a newer one replaced it already. */
  invalidate(rejected?: string): void {
    if (!rejected || this.token?.value === rejected) this.token = undefined;
  }

  private async fetchToken(signal?: AbortSignal): Promise<Token> {
    const { tokenUrl, clientId, clientSecret, scope, method } = this.options;
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    const headers: Record<string, string> = {};
    if (method === 'basic') {
      headers.authorization = `Basic ${basicCredentials(clientId, clientSecret)}`;
    } else {
      form.client_id = clientId;
      form.client_secret = clientSecret;
    }
    if (scope) form.scope = scope;
    const describe = `Token request POST ${describeUrl(tokenUrl)}`;
    const issuedAt = this.clock.now();
    const body = await requestWithRetries<{ access_token: string; expires_in?: unknown }>({
      describe,
      send: async () => {
        await this.gate?.ready(signal);
        this.tokenRequests++; // each attempt, retries included, as the http_request_count metric counts them
        return this.transport.send({ method: 'POST', url: tokenUrl, form, headers, signal });
      },
      parse: (exchange) => {
        const parsed = parseJsonObject(exchange.body);
        const problem = tokenResponseProblem(exchange, parsed);
        return problem === undefined ? (parsed as { access_token: string; expires_in?: unknown }) : new UnusableBody(problem);
      },
      failure: (exchange) => {
        const parsed = parseJsonObject(exchange.body);
        // The error response is quoted only through its OAuth fields, with any token field's value masked, and short.
        const code = typeof parsed?.error === 'string' ? bodySnippet(maskTokenFields(parsed.error), 60) : undefined;
        const description = typeof parsed?.error_description === 'string' ? ` (${bodySnippet(maskTokenFields(parsed.error_description))})` : '';
        const userFault = exchange.status === 400 || exchange.status === 401 || exchange.status === 403;
        const hint = code === 'invalid_client' || exchange.status === 401 ? ': check client_id and client_secret' : code === 'invalid_scope' ? ': check scope' : '';
        return new AuthError(
          `The token endpoint ${describeUrl(tokenUrl)} rejected the client credentials with HTTP ${exchange.status}${code ? ` ${code}` : ''}${description}${hint}.`,
          { userFault },
        );
      },
      settings: this.options.retry,
      gate: this.gate,
      logger: this.logger,
      clock: this.clock,
      signal,
    }).catch((err: unknown) => {
      if (err instanceof AuthError) throw err;
      // A response past max_response_mb stays the user's to fix, as it is for the API's own requests.
      throw new AuthError(`Could not get an access token: ${(err as Error).message}`, { cause: err, userFault: err instanceof ResponseTooLargeError });
    });
    this.logger.redactor.addToken(body.access_token);
    const ttl = lifetimeSeconds(body.expires_in);
    if (ttl === undefined && body.expires_in !== undefined && body.expires_in !== null) {
      this.logger.warn(`${describe}: expires_in ${describeExpiresIn(body.expires_in)} is not a number of seconds (at least 1); the token is taken to last ${DEFAULT_TTL_SECONDS} s, and is fetched again if the API rejects it sooner.`);
    }
    const life = ttl ?? DEFAULT_TTL_SECONDS;
    const margin = Math.min(60, life * 0.1);
    this.logger.debug(`Got an access token valid for ${life} s.`);
    return { value: body.access_token, refreshAt: issuedAt + (life - margin) * 1000 };
  }
}

/**
 * A token's lifetime from expires_in: a finite number of seconds of at least 1, as a JSON number or a numeric string.
 * Anything else (missing, negative, a fraction of a second, NaN, Infinity, an object) is undefined: a lifetime
 * shorter than a second would have a token fetched before nearly every request.
 */
function lifetimeSeconds(expiresIn: unknown): number | undefined {
  const n = typeof expiresIn === 'number' ? expiresIn : typeof expiresIn === 'string' && /^\s*[0-9.eE+]+\s*$/.test(expiresIn) ? Number(expiresIn) : NaN;
  return Number.isFinite(n) && n >= 1 ? n : undefined;
}

/** expires_in for a message: a number or a short string quoted, anything else by its type. */
function describeExpiresIn(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(bodySnippet(value, 40));
  return `(${describeValue(value)})`;
}

function basicCredentials(clientId: string, clientSecret: string): string {
  return Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
}

/** Field names listed in a message, at most. */
const MAX_FIELDS_LISTED = 20;

/**
 * Why a 2xx token response holds no usable access token, or undefined if it does. Never quotes the body: a token
 * endpoint that names its token otherwise (`accessToken`) or sends only a refresh_token would have a live credential
 * printed; the message lists field names and describes values by their type.
 */
function tokenResponseProblem(exchange: Exchange & { kind: 'response' }, parsed: Record<string, unknown> | undefined): string | undefined {
  const answered = `the token endpoint answered HTTP ${exchange.status}`;
  if (parsed) {
    const token = parsed.access_token;
    if (typeof token === 'string' && token !== '') return undefined;
    if (token === undefined) return `${answered} without an "access_token" field; fields present: ${fieldList(Object.keys(parsed))}`;
    return `${answered} with an "access_token" that is ${token === '' ? 'empty' : `not a string (${describeValue(token)})`}`;
  }
  const contentType = headerValue(exchange.headers, 'content-type')?.split(';')[0]?.trim();
  const size = `${Buffer.byteLength(exchange.body)} bytes${contentType ? `, ${contentType}` : ''}`;
  const json = parseJson(exchange.body);
  if (json.ok) return `${answered} with JSON that is ${describeValue(json.value)}, not an object (${size})`;
  // A form-encoded answer (as some endpoints give unless asked for JSON): its field names, like a JSON one's.
  if (/^[\w.-]+=[^\s]*$/.test(exchange.body.trim())) {
    return `${answered} with a form-encoded body, not JSON (${size}); fields present: ${fieldList([...new URLSearchParams(exchange.body.trim()).keys()])}`;
  }
  return `${answered} with a body that is not JSON (${size})`;
}

/** Field names for a message: at most MAX_FIELDS_LISTED, odd ones quoted and shortened. */
function fieldList(names: string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, MAX_FIELDS_LISTED).map((n) => (/^[\w.$@:-]{1,64}$/.test(n) ? n : JSON.stringify(n.length > 64 ? `${n.slice(0, 64)}…` : n)));
  return names.length > MAX_FIELDS_LISTED ? `${shown.join(', ')} and ${names.length - MAX_FIELDS_LISTED} more` : shown.join(', ');
}

/** A JSON value described by its type, never its content. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const json = parseJson(text);
  return json.ok && isPlainObject(json.value) ? json.value : undefined;
}
