import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aliasMatches } from '@rustos/platform';
import { loadDriverManifests, matchDrivers } from './driver-manifests.js';

test('modules.alias patterns match like fnmatch (platform aliasMatches)', () => {
  // The nvme line of a Debian kernel's modules.alias.
  assert.ok(aliasMatches('pci:v*d*sv*sd*bc01sc08i02*', 'pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02'));
  assert.ok(!aliasMatches('pci:v*d*sv*sd*bc01sc08i02*', 'pci:v00001B36d00000010sv00001AF4sd00001100bc01sc06i01'));
  assert.ok(aliasMatches('pci:v00008086d0000100[0-9A-F]sv*', 'pci:v00008086d0000100Esv0'));
  assert.ok(!aliasMatches('pci:v0000808?d*', 'pci:v00001234d1'));
});

test('bad manifests are reported and skipped, good ones kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drivers-'));
  writeFileSync(join(dir, 'a.json'), JSON.stringify({ name: 'a', module: 'm', service: 's', aliases: ['pci:*'] }));
  writeFileSync(join(dir, 'b.json'), '{ not json');
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ name: 'c', module: 'm', aliases: [] }));
  const errors: string[] = [];
  const ms = loadDriverManifests([dir], (m) => errors.push(m));
  assert.deepEqual(ms.map((m) => m.name), ['a']);
  assert.equal(errors.length, 2);
  assert.match(errors[1]!, /c\.json: "aliases" must be a non-empty list/);
  assert.equal(matchDrivers(ms, 'pci:v1').length, 1);
});
