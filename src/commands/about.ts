import { CAPABILITIES, settingsTable } from '../config/spec-outputs.js';
import { connectorSpec, settingEntries } from '../config/spec.js';
import { packageVersion } from '../package-files.js';

const DESCRIPTION = 'Hotel and flight bookings from an OAuth2, page-numbered travel API (GET /v1/bookings), incremental on lastModified, merged on uuid.';

/**
 * `--about`: what Meltano and people read to learn the tap's settings (Singer SDK layout). A secret carries the Singer
 * SDK's marks, `"secret": true` and `"writeOnly": true`, next to Airbyte's `airbyte_secret`; nothing else does.
 */
export function aboutInfo(): Record<string, unknown> {
  const spec = connectorSpec().connectionSpecification;
  const properties = Object.fromEntries(settingEntries().map(([name, p]) => [name, p.airbyte_secret ? { ...p, secret: true, writeOnly: true } : p]));
  return {
    name: 'tap-bookings',
    description: DESCRIPTION,
    version: packageVersion(),
    capabilities: [...CAPABILITIES],
    settings: { ...spec, properties },
  };
}

export function aboutMarkdown(): string {
  return [
    '# tap-bookings',
    '',
    DESCRIPTION,
    '',
    `Version ${packageVersion()}. Capabilities: ${CAPABILITIES.join(', ')}.`,
    '',
    '## Settings',
    '',
    settingsTable(connectorSpec()),
    'Settings can also come from environment variables TAP_BOOKINGS_<SETTING> with `--config ENV`.',
    '',
  ].join('\n');
}
