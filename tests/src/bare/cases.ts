/**
 * The whole-program cases: which binary, with which argv, environment and stdin.
 * Shared by the tests (native vs emulated, byte for byte) and the benchmark.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Invocation } from './native.js';

const programsDir = fileURLToPath(new URL('../../programs/', import.meta.url));

/** A fixed environment: the same on both sides and on every host. */
export const ENVP = ['HOME=/home/tester', 'PATH=/usr/bin:/bin', 'LANG=C', 'TERM=dumb', 'TZ=UTC'];

export interface Case extends Invocation {
  /** Test title: program plus what is special about this run. */
  title: string;
  /**
   * Results printed as `name=SEXP:MANTISSA` that come from x87 transcendental
   * instructions: Intel's microcode is not correctly rounded and the emulator is
   * (nucleus/src/machine/cpu/x87/README.md), so these may differ in the last bit.
   */
  transcendental?: boolean;
}

/** Builds the C programs (only what changed) and returns name -> host path. */
export function buildPrograms(): Map<string, string> {
  const r = spawnSync(process.execPath, [`${programsDir}build.mjs`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the test programs failed:\n${r.stdout}${r.stderr}`);
  const manifest = JSON.parse(readFileSync(`${programsDir}out/manifest.json`, 'utf8')) as Array<{ name: string; path: string }>;
  return new Map(manifest.map((p) => [p.name, p.path]));
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Generated multi-line text for the stdin cases. */
export function sampleText(lines: number): string {
  let out = '';
  for (let i = 0; i < lines; i++) out += `line ${i}: ${'abcdefghij'.repeat(i % 9)} ${(i * 7919) % 1000}\n`;
  return out;
}

export function programCases(bins: Map<string, string>): Case[] {
  const cases: Case[] = [];
  const add = (name: string, args: string[] = [], extra: Partial<Case> = {}, note = ''): void => {
    const path = bins.get(name);
    if (!path) throw new Error(`no program ${name} in the manifest`);
    cases.push({ title: `${name}${note ? ` (${note})` : ''}`, path, argv: [name, ...args], envp: ENVP, ...extra });
  };
  for (const name of bins.keys()) {
    if (['stdin_wc', 'exit_status', 'crash', 'raw_syscalls'].includes(name) || name.startsWith('env_argv')) continue;
    add(name, [], name === 'x87_transcendental' ? { transcendental: true } : {});
  }
  add('env_argv');
  add('env_argv', ['one', 'two words', '', '--flag=x', 'üñï'], {}, 'argv variant');
  add('env_argv', [], { envp: [] }, 'empty environment');
  add('env_argv', ['x'.repeat(3000)], { envp: [...ENVP, `LONG=${'y'.repeat(5000)}`] }, 'long strings');
  add('env_argv-pie', ['pie', 'args']);
  add('exit_status');
  add('exit_status', ['return', '7'], {}, 'return 7');
  add('exit_status', ['return', '300'], {}, 'status truncated to 8 bits');
  add('stdin_wc', [], { stdin: text(sampleText(2000)) });
  add('stdin_wc', [], { stdin: new Uint8Array(0) }, 'empty stdin');
  for (const mode of ['segv', 'ud2', 'div0', 'abort']) add('crash', [mode], {}, mode);
  add('raw_syscalls', ['x', 'y z'], { stdin: text(sampleText(40)) });
  return cases;
}

export const BUSYBOX = '/bin/busybox';

/** Busybox with no arguments (usage and applet list) and applets that need no files. */
export function busyboxCases(): Case[] {
  const bb = (title: string, args: string[], stdin?: string): Case => ({
    title: `busybox ${title}`,
    path: BUSYBOX,
    argv: ['busybox', ...args],
    envp: ENVP,
    ...(stdin === undefined ? {} : { stdin: text(stdin) }),
  });
  return [
    bb('(no arguments)', []),
    bb('--list', ['--list']),
    bb('echo', ['echo', 'hello', 'world', '-n', 'x']),
    bb('echo -e', ['echo', '-e', 'tab\\there\\nnewline\\x41']),
    bb('printf', ['printf', '%s=%d %05.2f %x|%-6s|\\n', 'a', '42', '3.14159', '255', 'left']),
    bb('seq 1 50', ['seq', '1', '50']),
    bb('seq -s', ['seq', '-s', ',', '-w', '5', '3', '30']),
    bb('expr 6 * 7', ['expr', '6', '*', '7']),
    bb('expr length', ['expr', 'length', 'hello world']),
    bb('true', ['true']),
    bb('false', ['false']),
    bb('basename', ['basename', '/usr/local/lib/libfoo.so.1', '.1']),
    bb('dirname', ['dirname', '/usr/local/lib/libfoo.so.1']),
    bb('sha256sum (stdin)', ['sha256sum'], sampleText(300)),
    bb('md5sum (stdin)', ['md5sum'], sampleText(300)),
    bb('wc (stdin)', ['wc'], sampleText(500)),
    bb('sort -n (stdin)', ['sort', '-n', '-r'], Array.from({ length: 400 }, (_, i) => `${(i * 7919) % 1009}\n`).join('')),
    bb('tr (stdin)', ['tr', 'a-z', 'A-Z'], sampleText(50)),
    bb('cat (stdin)', ['cat'], sampleText(100)),
    bb('uname -m', ['uname', '-m']),
    bb('no such applet', ['no-such-applet']),
  ];
}
