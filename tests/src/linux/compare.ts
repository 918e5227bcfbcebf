/** Comparing a case's two runs after its normalisation rules, and saying where they part. */
import { applyRules, type SuiteCase } from './case.js';
import type { RunResult } from './native.js';

export function normalised(c: SuiteCase, r: RunResult): RunResult {
  return { stdout: applyRules(r.stdout, c.normalise), stderr: applyRules(r.stderr, c.normalise), status: r.status };
}

const show = (s: string | undefined): string => (s === undefined ? '(no line: output ended)' : JSON.stringify(s));

/** The first line where two outputs differ, or undefined when they are equal. */
export function firstDifference(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  const la = a.split('\n');
  const lb = b.split('\n');
  let i = 0;
  while (la[i] === lb[i]) i++;
  return `line ${i + 1}: ${show(la[i])} vs ${show(lb[i])}`;
}

/**
 * Every difference between two runs (already normalised), each naming the stream
 * and its first differing line; empty when they match byte for byte.
 */
export function differences(expected: RunResult, actual: RunResult, labels: [string, string]): string[] {
  const out: string[] = [];
  if (expected.status !== actual.status) out.push(`exit status: ${labels[0]} ${expected.status}, ${labels[1]} ${actual.status}`);
  for (const stream of ['stdout', 'stderr'] as const) {
    const d = firstDifference(expected[stream], actual[stream]);
    if (d) out.push(`${stream} differs (${labels[0]} vs ${labels[1]}) at ${d}`);
  }
  return out;
}
