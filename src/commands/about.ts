import { connectorSpec } from '../config/load-config.js';
import { packageVersion } from '../package-files.js';

export const CAPABILITIES = ['catalog', 'discover', 'state', 'about'] as const;

interface SettingSchema {
  type?: string | string[];
  description?: string;
  title?: string;
  default?: unknown;
  airbyte_secret?: boolean;
}

/** `--about`: what Meltano and people read to learn the tap's settings (Singer SDK layout). */
export function aboutInfo(): Record<string, unknown> {
  return {
    name: 'tap-bookings',
    description: 'Hotel and flight bookings from an OAuth2, page-numbered travel API (GET /v1/bookings), incremental on lastModified, merged on uuid.',
    version: packageVersion(),
    capabilities: [...CAPABILITIES],
    settings: connectorSpec().connectionSpecification,
  };
}

export function aboutMarkdown(): string {
  const about = aboutInfo();
  const spec = connectorSpec().connectionSpecification as { properties: Record<string, SettingSchema>; required?: string[] };
  const required = new Set(spec.required ?? []);
  const rows = Object.entries(spec.properties).map(([name, p]) => {
    const type = ([] as string[]).concat(p.type ?? 'string').join(' or ');
    const notes = [required.has(name) ? 'required' : undefined, p.airbyte_secret ? 'secret' : undefined, p.default !== undefined ? `default \`${JSON.stringify(p.default)}\`` : undefined].filter(Boolean).join(', ');
    return `| ${name} | ${type} | ${notes} | ${(p.description ?? p.title ?? '').replace(/\|/g, '\\|')} |`;
  });
  return [
    `# ${String(about.name)}`,
    '',
    String(about.description),
    '',
    `Version ${String(about.version)}. Capabilities: ${CAPABILITIES.join(', ')}.`,
    '',
    '## Settings',
    '',
    '| setting | type | notes | description |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Settings can also come from environment variables TAP_BOOKINGS_<SETTING> with `--config ENV`.',
    '',
  ].join('\n');
}
