import yaml from 'js-yaml';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tempDir } from '../support/cli.js';

/**
 * No Docker engine runs where the tests run, so the image is checked the next best way: the final stage's file
 * layout is assembled from the Dockerfile's own COPY lines, and the entrypoint is run from it. A file the connector
 * needs at run time but the image leaves out fails here.
 */
const dockerfile = readFileSync('Dockerfile', 'utf8');
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

function assembleImage(): { root: string; entrypoint: string[] } {
  const workdir = /^WORKDIR\s+(\S+)/m.exec(finalStage)![1]!;
  const root = tempDir();
  const inImage = (p: string) => join(root, p.startsWith('/') ? p : join(workdir, p));
  for (const [, args] of finalStage.matchAll(/^COPY\s+--from=\w+\s+(.+)$/gm)) {
    const parts = args!.trim().split(/\s+/);
    const dest = parts.pop()!;
    for (const src of parts) {
      const from = resolve(src.replace(/^\/app\/?/, '') || '.');
      const to = dest.endsWith('/') || parts.length > 1 ? join(inImage(dest), src.split('/').pop()!) : inImage(dest);
      mkdirSync(dirname(to), { recursive: true });
      // node_modules is large: link it (the image prunes dev dependencies; linking keeps them, which only hides nothing the code needs).
      if (src.endsWith('node_modules')) symlinkSync(from, to);
      else cpSync(from, to, { recursive: true });
    }
  }
  const entry = JSON.parse(/^ENTRYPOINT\s+(\[.*\])$/m.exec(finalStage)![1]!) as string[];
  return { root, entrypoint: entry.map((a) => (a.startsWith('/') ? join(root, a) : a)) };
}

describe('the Airbyte image built by the Dockerfile', () => {
  const image = assembleImage();
  const run = (...args: string[]) => spawnSync(process.execPath, [...image.entrypoint.slice(1), ...args], { encoding: 'utf8', cwd: image.root });

  it('declares the labels and entrypoint Airbyte needs', () => {
    const label = (name: string) => new RegExp(`^LABEL .*${name.replace(/\./g, '\\.')}="([^"]+)"`, 'm').exec(finalStage)?.[1];
    const metadata = (yaml.load(readFileSync('metadata.yaml', 'utf8')) as { data: Record<string, string> }).data;
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; license: string };
    const spec = JSON.parse(readFileSync('spec.json', 'utf8')) as { documentationUrl: string };
    expect(label('io.airbyte.name')).toBe(metadata.dockerRepository);
    expect(label('io.airbyte.version')).toBe(pkg.version);
    expect(metadata).toMatchObject({ dockerImageTag: pkg.version, connectorType: 'source', releaseStage: expect.stringMatching(/^(alpha|beta|generally_available|custom)$/), documentationUrl: spec.documentationUrl, license: pkg.license });
    expect(metadata.definitionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(metadata.name).toBeTruthy();
    expect(finalStage).toMatch(/ENV AIRBYTE_ENTRYPOINT="node \/airbyte\/integration_code\/bin\/tap-bookings\.js"/);
    expect(existsSync(image.entrypoint[1]!)).toBe(true);
  });

  it('answers spec from the files the image holds', () => {
    const result = run('spec');
    expect(result.status).toBe(0);
    const message = JSON.parse(result.stdout) as { type: string; spec: { connectionSpecification: { required: string[] } } };
    expect(message.type).toBe('SPEC');
    expect(message.spec.connectionSpecification.required).toContain('base_url');
  });

  it('answers discover with the bookings stream from the files the image holds', () => {
    const config = join(image.root, 'config.json');
    cpSync('test/fixtures/good-config.json', config);
    const result = run('discover', '--config', config);
    expect(result.status).toBe(0);
    const catalog = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>).find((m) => m.type === 'CATALOG');
    expect(catalog?.catalog.streams.map((s: { name: string }) => s.name)).toEqual(['bookings']);
  });
});
