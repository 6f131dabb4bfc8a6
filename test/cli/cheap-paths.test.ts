import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli, tempDir, writeJson } from '../support/cli.js';
import { expectAirbyteMessages } from '../support/airbyte-protocol.js';
import { checkInProcess, connectionStatus, discoverInProcess } from '../support/command.js';

const spec = JSON.parse(readFileSync(resolve('spec.json'), 'utf8')) as { connectionSpecification: { properties: Record<string, unknown> } };

/**
 * The paths orchestrators call often: no config, no network, one answer. The CLI process for what main.ts wires (the
 * options, --version, --about, spec, check's exit code); discover's warning and check's message in process.
 */
describe('cheap paths', () => {
  it('--version prints the package version', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toEqual([JSON.parse(readFileSync('package.json', 'utf8')).version]);
  });

  it('--about prints name, version, capabilities and the settings schema as JSON', async () => {
    const run = await runCli(['--about']);
    expect(run.code).toBe(0);
    const about = JSON.parse(run.stdout.join('\n'));
    expect(about).toMatchObject({ name: 'tap-bookings', capabilities: ['catalog', 'discover', 'state', 'about'] });
    // The settings schema of spec.json, secrets marked the Singer SDK way ("secret" and "writeOnly") and nothing else.
    const properties = about.settings.properties as Record<string, Record<string, unknown>>;
    const secrets = Object.entries(spec.connectionSpecification.properties).filter(([, p]) => (p as { airbyte_secret?: boolean }).airbyte_secret).map(([k]) => k);
    expect(secrets).toEqual(expect.arrayContaining(['client_id', 'client_secret']));
    for (const guessedByName of ['token_url', 'schema_validation', 'scope']) expect(secrets).not.toContain(guessedByName);
    expect(Object.keys(properties).filter((k) => properties[k]!.secret === true && properties[k]!.writeOnly === true)).toEqual(secrets);
    expect(Object.keys(properties).filter((k) => 'secret' in properties[k]! || 'writeOnly' in properties[k]!)).toEqual(secrets);
    const unmarked = (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'secret' && k !== 'writeOnly'));
    expect({ ...about.settings, properties: Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, unmarked(p)])) }).toEqual(spec.connectionSpecification);
  });

  it('--about --format markdown lists every setting', async () => {
    const run = await runCli(['--about', '--format', 'markdown']);
    const text = run.stdout.join('\n');
    for (const name of Object.keys(spec.connectionSpecification.properties)) expect(text).toContain(`| \`${name}\` |`);
  });

  it('discover accepts a config with keys the spec does not have, with one Airbyte LOG WARN naming them', async () => {
    const config = writeJson(tempDir(), 'config.json', { base_url: 'https://api.example.com', client_id: 'id', client_secret: 'not-printed', start_date: '2024-01-01', bookingTypes: ['FLIGHT'], _note: 'x' });
    const run = await discoverInProcess(config);
    expect(run.code).toBeUndefined();
    const logs = run.messages.filter((m) => m.type === 'LOG').map((m) => m.log as { level: string; message: string });
    expect(logs.filter((l) => l.level === 'WARN')).toEqual([{ level: 'WARN', message: expect.stringMatching(/ignoring a setting this tap does not have: "bookingTypes" \(booking_types\?\)\.$/) }]);
    expect(JSON.stringify(logs)).not.toContain('_note');
    expect(run.messages.filter((m) => m.type === 'CATALOG')).toHaveLength(1);
  });

  it('spec prints one valid Airbyte SPEC message built from spec.json', async () => {
    const run = await runCli(['spec']);
    expect(run.code).toBe(0);
    expect(run.messages).toHaveLength(1);
    expectAirbyteMessages(run.messages);
    expect(run.messages[0]).toMatchObject({ type: 'SPEC', spec: { connectionSpecification: spec.connectionSpecification, supportsIncremental: true, supported_destination_sync_modes: ['append', 'append_dedup', 'overwrite'] } });
  });

  it('check answers CONNECTION_STATUS FAILED with the config problem, and exits 0', async () => {
    const run = await runCli(['check', '--config', resolve('test/fixtures/bad-inputs/config/missing-base-url.json')]);
    expect(run.code).toBe(0);
    expectAirbyteMessages(run.messages);
    expect(run.messages.at(-1)).toMatchObject({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: expect.stringMatching(/base_url: is required/) } });
  });

  it('check answers FAILED naming the token URL when the API cannot be reached', async () => {
    const config = writeJson(tempDir(), 'c.json', { base_url: 'http://127.0.0.1:9', client_id: 'id', client_secret: 'secret-value', start_date: '2024-01-01', backoff_factor: 0 });
    const run = await checkInProcess(config);
    expect(run.code).toBeUndefined();
    expect(connectionStatus(run.messages)).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/http:\/\/127\.0\.0\.1:9\/oauth\/token.*ECONNREFUSED/) });
  });

  it('every setting in spec.json is documented in the README config table', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const name of Object.keys(spec.connectionSpecification.properties)) expect(readme).toContain(`| \`${name}\` |`);
  });

  it('the README config table states every bound of a numeric setting but 0, as spec.json has it', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const [name, p] of Object.entries(spec.connectionSpecification.properties as Record<string, Record<string, unknown>>)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))!;
      for (const key of ['minimum', 'exclusiveMinimum', 'maximum']) {
        const bound = p[key];
        if (typeof bound === 'number' && bound !== 0) expect([name, key, row]).toEqual([name, key, expect.stringMatching(new RegExp(`\\b${bound}\\b`))]);
      }
    }
  });
});
