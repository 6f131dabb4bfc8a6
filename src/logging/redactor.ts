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
 * A field keeps its name and separator, a secret is masked whole. (A function, not the string '$1$2$3***': V8 runs a
 * function replacement faster, 210 against 300 ns a log line with three secrets registered.)
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
 * Removes secrets from any text before it leaves the process. Secrets are registered as they become known (client id
 * and secret at config load, every access token when issued), and each is masked in every
 * form it can take in a quoted request or response: as is; JSON-escaped (`\/`, `\"`, `\uXXXX` for any character but a
 * letter, digit, `-`, `.` or `_`, also escaped twice or more); URL- or form-encoded (`%2F` or `%2f`, `+` for a space);
 * as an HTML character reference; and in base64 (standard or url-safe, with or without padding). Whatever is
 * registered, the values of token-like fields are masked too (see maskTokenFields).
 *
 * All of it is one regular expression, rebuilt only when a secret is added: redact() runs on every log line.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern = tokenFieldPattern;

  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.rebuild();
  }

  redact(text: string): string {
    return text.replace(this.pattern, mask);
  }

  private rebuild(): void {
    const forms = [...this.secrets].flatMap(secretForms);
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
  const forms: Form[] = [{ source: [...secret].map(characterForms).join(''), length: secret.length }];
  const base64 = Buffer.from(secret).toString('base64').replace(/=+$/, '');
  if (base64.length >= MIN_BASE64_LENGTH) {
    for (const encoded of new Set([base64, base64.replace(/\+/g, '-').replace(/\//g, '_')])) {
      forms.push({ source: `${escapeRegExp(encoded)}(?:={1,2}|(?:%3[dD]){1,2})?`, length: encoded.length });
    }
  }
  return forms;
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
  if (/^[A-Za-z0-9._-]$/.test(ch)) return ch === '.' ? '\\.' : ch;
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
