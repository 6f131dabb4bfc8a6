/** What a masked secret or token value is replaced with. */
export const MASK = '***';

/** Secrets shorter than this are not masked: masking them would garble ordinary text. */
const MIN_SECRET_LENGTH = 4;
/** A base64 form shorter than this is not masked (a 4- or 5-byte secret encodes to 6 or 7 characters). */
const MIN_BASE64_LENGTH = 8;

/** Letters in either case, as a character class per letter (`ab` -> `[aA][bB]`); other characters as they are. */
function anyCase(word: string): string {
  return word.replace(/[a-zA-Z]/g, (ch) => `[${ch.toLowerCase()}${ch.toUpperCase()}]`);
}

/**
 * Names of fields whose value is a credential, in any casing, snake_case or camelCase: access_token, accessToken,
 * refresh_token, refreshToken, id_token, idToken, client_secret, clientSecret.
 */
const TOKEN_FIELD_NAME = `(?:(?:${anyCase('access')}|${anyCase('refresh')}|${anyCase('id')})[_-]?${anyCase('token')}|${anyCase('client')}[_-]?${anyCase('secret')})`;
/**
 * A token-like field and its value: JSON (`"access_token": "value"`, also inside a string JSON-escaped again:
 * `\"access_token\": \"value\"`) or form-encoded (`access_token=value`). Group 1 (the name) and group 2 or 3 (what
 * separates it from the value) are kept; the value is masked. A JSON value ends at its closing quote; in text escaped
 * twice, at the next bare quote or the end of the text (more is masked than needed, never less). A form value ends
 * at a delimiter (`&`, `;`, `,`, `#`, a quote, a space). One alternative for both, so matching starts only at a letter
 * that can begin a name (about twice as fast as two alternatives, one of them starting at every quote).
 */
const TOKEN_FIELDS = String.raw`((?<![A-Za-z0-9])${TOKEN_FIELD_NAME})(?:(\\*"\s*:\s*\\*")(?:\\[\s\S]|[^"\\])+|(="?)[^&#;,\s"'<>\\]+)`;
const tokenFieldPattern = new RegExp(TOKEN_FIELDS, 'g');

/**
 * A field keeps its name and separator, a secret is masked whole. (A function rather than the string '$1$2$3***':
 * V8 runs a function replacement about a third faster.)
 */
function mask(_match: string, name: string | undefined, jsonSeparator: string | undefined, formSeparator: string | undefined): string {
  return name === undefined ? MASK : name + (jsonSeparator ?? formSeparator ?? '') + MASK;
}

/**
 * Mask the value of every token-like field (access_token, refresh_token, id_token, client_secret, in any casing and
 * camelCase) in JSON or form-encoded text, registered as a secret or not. For quoting a response body.
 */
export function maskTokenFields(text: string): string {
  return text.replace(tokenFieldPattern, mask);
}

/**
 * Access tokens kept registered. A token is replaced when at most 60 s of its life are left (or when the API
 * rejected it), so those replaced before the last few have expired; dropping them keeps the pattern small however
 * often tokens are refreshed (the cost of every log line grew with each token kept, and V8 stops optimising a
 * regular expression of more than 20 KB).
 */
export const MAX_TOKENS = 4;
/**
 * Characters of a secret spelled out in its pattern. Of a longer secret, the first this many are, followed by any
 * run of the characters its tail is made of (and, if some of them get encoded, of what encodings write), so that a
 * huge token (a hostile token endpoint can send one) neither makes the pattern too large to compile nor leaves its
 * tail behind. (That run may mask a little more than the secret, never less.)
 */
const MAX_PATTERN_CHARS = 256;

/**
 * Removes secrets from any text before it leaves the process. Secrets are registered as they become known (client id
 * and secret at config load with add(), each access token when issued with addToken()), and each is masked in every
 * form it can take in a quoted request or response: as is; JSON-escaped (`\/`, `\"`, `\uXXXX` for any character but a
 * letter, digit, `-`, `.` or `_`, also escaped twice or more); URL- or form-encoded (`%2F` or `%2f`, `+` for a space);
 * as an HTML character reference; and in base64 (standard or url-safe, with or without padding). Whatever is
 * registered, the values of token-like fields are masked too (see maskTokenFields).
 *
 * All of it is one regular expression, rebuilt only when a secret is added: redact() runs on every log line.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** The newest last. */
  private readonly tokens: string[] = [];
  private pattern = tokenFieldPattern;

  /** Register a secret for the life of the process. */
  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.rebuild();
  }

  /** Register an access token; only the MAX_TOKENS newest stay registered. */
  addToken(token: string | undefined): void {
    if (!token || token.length < MIN_SECRET_LENGTH || this.secrets.has(token) || this.tokens.includes(token)) return;
    this.tokens.push(token);
    if (this.tokens.length > MAX_TOKENS) this.tokens.shift();
    this.rebuild();
  }

  /** The text with every secret masked; if the pattern cannot run at all, none of the text (fail closed). */
  redact(text: string): string {
    try {
      return text.replace(this.pattern, mask);
    } catch {
      return '[text withheld: secrets could not be masked in it]';
    }
  }

  private rebuild(): void {
    const forms = [...this.secrets, ...this.tokens].flatMap(secretForms);
    // At one position the first alternative that matches wins: the longest forms first, so that a secret
    // containing another is masked whole.
    forms.sort((a, b) => b.length - a.length);
    this.pattern = new RegExp([TOKEN_FIELDS, ...new Set(forms.map((f) => f.source))].join('|'), 'g');
  }
}

interface Form {
  source: string;
  /** Length of the shortest text the form matches, to order the alternatives. */
  length: number;
}

/** The alternatives that match a secret: every character in any of its encodings, and its base64. */
function secretForms(secret: string): Form[] {
  const chars = [...secret];
  const long = chars.length > MAX_PATTERN_CHARS;
  const spelled = chars.slice(0, MAX_PATTERN_CHARS).map(characterForms).join('');
  const forms: Form[] = [{ source: long ? spelled + tailRun(chars.slice(MAX_PATTERN_CHARS)) : spelled, length: secret.length }];
  // The base64 of the first 3n bytes is the start of the base64 of the whole.
  const bytes = Buffer.from(secret);
  const base64 = (long ? bytes.subarray(0, (MAX_PATTERN_CHARS / 4) * 3) : bytes).toString('base64').replace(/=+$/, '');
  if (base64.length >= MIN_BASE64_LENGTH) {
    for (const encoded of new Set([base64, base64.replace(/\+/g, '-').replace(/\//g, '_')])) {
      forms.push({ source: `${escapeRegExp(encoded)}${long ? '[A-Za-z0-9+/_-]*' : ''}(?:={1,2}|(?:%3[dD]){1,2})?`, length: encoded.length });
    }
  }
  return forms;
}

/** Characters no encoder changes: they stand for themselves. */
const PLAIN = /^[A-Za-z0-9._-]$/;
/** What JSON, percent, form and HTML encodings write in place of other characters (letters and digits: hex, `u`, names). */
const ENCODING_CHARS = String.raw`A-Za-z0-9\\%+&#;`;
/** Above this many distinct characters a tail is treated as any run of non-space characters. */
const MAX_TAIL_CLASS = 100;

/** A regular expression for any run of the characters of `tail`, as is or encoded. */
function tailRun(tail: string[]): string {
  const distinct = new Set(tail);
  if (distinct.size > MAX_TAIL_CLASS) return String.raw`\S*`;
  const listed = [...distinct].map((ch) => ch.replace(/[\\\]\[^-]/g, '\\$&')).join('');
  return `[${listed}${[...distinct].every((ch) => PLAIN.test(ch)) ? '' : ENCODING_CHARS}]*`;
}

const JSON_SHORT_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't' };
/** What HTML escapers change (`/` too, as OWASP advises), and the names some of them use. */
const HTML_ESCAPED: Record<string, string | undefined> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos', '/': undefined };

/**
 * A regular expression for one character (code point) of a secret, as is or in any encoding a quoted text may use.
 * Letters, digits, `-`, `.` and `_` are left as they are by every encoder (JSON, URL, form, HTML), so they stand
 * for themselves, which also keeps the pattern of a token (mostly such characters) short.
 */
function characterForms(ch: string): string {
  if (PLAIN.test(ch)) return ch === '.' ? '\\.' : ch;
  const forms = new Set<string>([escapeRegExp(ch)]);
  // JSON and JavaScript string escapes, at any depth of escaping (each level doubles the backslashes).
  const short = JSON_SHORT_ESCAPES[ch];
  if (short !== undefined) forms.add(String.raw`\\+${escapeRegExp(short)}`);
  let units = '';
  for (let i = 0; i < ch.length; i++) units += String.raw`\\+u${hex(ch.charCodeAt(i), 4)}`;
  forms.add(units);
  // Percent-encoding of the UTF-8 bytes, hex digits in either case; a space is also `+` in a form.
  forms.add([...Buffer.from(ch, 'utf8')].map((byte) => `%${hex(byte, 2)}`).join(''));
  if (ch === ' ') forms.add(String.raw`\+`);
  if (ch in HTML_ESCAPED) {
    const codePoint = ch.codePointAt(0)!;
    forms.add(`&#0*${codePoint};`);
    forms.add(`&#[xX]0*${hex(codePoint, 1)};`);
    const name = HTML_ESCAPED[ch];
    if (name !== undefined) forms.add(`&${name};`);
  }
  return `(?:${[...forms].join('|')})`;
}

/** `n` in hexadecimal, at least `digits` long, each letter digit in either case. */
function hex(n: number, digits: number): string {
  return anyCase(n.toString(16).padStart(digits, '0'));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
