/**
 * Builds and runs testdata/x87ref.c, the host-CPU reference for the x87
 * differential tests (its header documents the record format). gcc is
 * required: without it the tests fail rather than pass vacuously.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const IN_SIZE = 80;
export const OUT_SIZE = 144;
export const FXSAVE_RECORD = 512;
/** Offset of the FNSAVE image within an output record. */
export const SAVE_AT = 24;

const here = dirname(fileURLToPath(import.meta.url));
// dist/machine/cpu/x87/testing -> src/machine/cpu/x87/testdata
const SOURCE = resolve(here, '../../../../../src/machine/cpu/x87/testdata/x87ref.c');

let binary: string | undefined;

function build(): string {
  if (binary !== undefined) return binary;
  const out = join(mkdtempSync(join(tmpdir(), 'x87ref-')), 'x87ref');
  try {
    execFileSync('gcc', ['-O2', '-Wall', '-o', out, SOURCE], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`cannot build the x87 host reference with gcc (${SOURCE}): ${(e as Error).message}`);
  }
  binary = out;
  return out;
}

/** Op name -> index, as the reference binary numbers them. */
export function hostOps(): Map<string, number> {
  const text = execFileSync(build(), ['--list'], { encoding: 'utf8' });
  const ops = new Map<string, number>();
  for (const line of text.trim().split('\n')) {
    const [n, name] = line.split(' ');
    ops.set(name, Number(n));
  }
  return ops;
}

/**
 * Runs a batch of input records on the host CPU; returns the output records
 * (with `fxsave`, the FXSAVE64 images of FXSAVE_RECORD bytes instead).
 */
export function runHost(records: Uint8Array, fxsave = false): Uint8Array {
  const r = spawnSync(build(), fxsave ? ['--fxsave'] : [], { input: records, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`x87ref failed (${r.status}): ${r.stderr.toString()}`);
  const out = new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
  if (out.length !== (records.length / IN_SIZE) * (fxsave ? FXSAVE_RECORD : OUT_SIZE)) throw new Error('x87ref: short output');
  return out;
}
