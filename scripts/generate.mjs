#!/usr/bin/env node
// Writes every file that comes from spec.json (see src/config/spec-outputs.ts) and the schema validators
// (src/config/validator-outputs.ts). Run through `npm run generate`,
// which builds dist/ first. test/packaging/spec-outputs.test.ts fails until this has been run after a change.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { specOutputs } from '../dist/config/spec-outputs.js';
import { connectorSpec } from '../dist/config/spec.js';
import { validatorOutputs } from '../dist/config/validator-outputs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outputs = { ...specOutputs(connectorSpec(), pkg, (path) => readFileSync(join(root, path), 'utf8')), ...validatorOutputs() };
for (const [path, content] of Object.entries(outputs)) {
  const file = join(root, path);
  let before;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    before = undefined;
  }
  if (before === content) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  console.error(`generate: wrote ${path}`);
}
