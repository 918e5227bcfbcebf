/** Helpers to write table rows by syscall name (numbers come from numbers.ts). */
import { SYSCALL_NUMBERS } from '@rustos/platform';
import type { OffloadSpec, Owner } from '../spec.js';

export function nr(name: string): number {
  const n = SYSCALL_NUMBERS[name];
  if (n === undefined) throw new Error(`no x86-64 syscall named ${name}`);
  return n;
}

/** An offloaded syscall row. */
export function offload(name: string, route: Owner, spec: Omit<OffloadSpec, 'nr' | 'name' | 'route' | 'support'> & { support?: OffloadSpec['support'] } = {}): OffloadSpec {
  return { nr: nr(name), name, route, support: spec.support ?? 'full', ...spec };
}
