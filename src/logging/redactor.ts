/**
 * Removes secrets from any text before it leaves the process. Secrets are registered as they become
 * known (client id and secret at config load, every access token when issued).
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  add(secret: string | undefined): void {
    if (!secret || secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    // Also catch the secret as it appears URL- or form-encoded.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.secrets.add(encoded);
    const base64 = Buffer.from(secret).toString('base64');
    if (base64.length >= 8) this.secrets.add(base64.replace(/=+$/, ''));
    const sorted = [...this.secrets].sort((a, b) => b.length - a.length);
    this.pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  }

  redact(text: string): string {
    return this.pattern ? text.replace(this.pattern, '***') : text;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
