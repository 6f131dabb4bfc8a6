import { writeJson } from './cli.js';

/** How to run a sync in each protocol, so end-to-end tests run the same scenarios in both. */
export interface Mode {
  name: 'singer' | 'airbyte';
  args(dir: string, configPath: string, state?: unknown): string[];
}

export const CONFIGURED_CATALOG = {
  streams: [
    {
      stream: { name: 'bookings', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'], source_defined_cursor: true, default_cursor_field: ['lastModified'], source_defined_primary_key: [['uuid']] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
      cursor_field: ['lastModified'],
      primary_key: [['uuid']],
    },
  ],
};

export const MODES: Mode[] = [
  {
    name: 'singer',
    args: (dir, config, state) => ['--config', config, ...(state === undefined ? [] : ['--state', writeJson(dir, `state-${Date.now()}-${Math.random()}.json`, state)])],
  },
  {
    name: 'airbyte',
    args: (dir, config, state) => [
      'read', '--config', config, '--catalog', writeJson(dir, 'configured-catalog.json', CONFIGURED_CATALOG),
      ...(state === undefined ? [] : ['--state', writeJson(dir, `state-${Date.now()}-${Math.random()}.json`, state)]),
    ],
  },
];
