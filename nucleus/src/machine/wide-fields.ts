/**
 * V8 stores a field that has only ever held small integers (31-bit Smis) in a
 * narrow representation; the first wider value (an int32 beyond +-2^30, an
 * address above 1 GiB) changes the hidden class of every such object, which
 * deoptimises all optimised code that touched one: in the CPU that is every
 * handler and translated block, recompiled at once. Fields that will hold such
 * values are widened once, on a sample object at module load, so objects are
 * born with the final representation.
 *
 * The sample is kept for good: V8 holds map transitions weakly, so when no object
 * has the final hidden class any more (between two guest programs, say) a GC may
 * drop it, and the next object is built on fresh classes, narrow again. All
 * optimised code that checked the old ones then deoptimises ("wrong map": 6 to
 * 183 deoptimisations in one run of four programs, as GCs happened to fall).
 */
const samples: object[] = [];

export function widenFields<T extends object>(sample: T, keys: readonly (keyof T & string)[]): void {
  const o = sample as Record<string, unknown>;
  for (const k of keys) {
    const v = o[k];
    o[k] = 0.5;
    o[k] = v;
  }
  samples.push(sample);
}
