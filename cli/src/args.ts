/**
 * A small argument parser: `--flag`, `--key value`, `--key=value`, `-x`, repeated
 * valued flags (`-e A=1 -e B=2`), and `--` ending options. Parsing can stop after
 * the n-th positional argument, so `rustos run <path> -l` hands `-l` to the program.
 */
export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
  /** Every value of a valued flag given more than once. */
  multi: Map<string, string[]>;
  /** Everything after `--`, or after the positional argument parsing stopped at. */
  rest: string[];
}

export function parseArgs(argv: string[], valued: string[] = [], stopAfter = Infinity): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const multi = new Map<string, string[]>();
  const set = (key: string, value: string | true) => {
    flags.set(key, value);
    if (typeof value === 'string') multi.set(key, [...(multi.get(key) ?? []), value]);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return { positional, flags, multi, rest: argv.slice(i + 1) };
    if (a.startsWith('--')) {
      const [key, value] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (value !== undefined) set(key, value);
      else if (valued.includes(key) && i + 1 < argv.length) set(key, argv[++i]!);
      else set(key, true);
    } else if (a.startsWith('-') && a.length > 1) {
      const key = a.slice(1);
      if (valued.includes(key) && i + 1 < argv.length) set(key, argv[++i]!);
      else set(key, true);
    } else {
      positional.push(a);
      if (positional.length >= stopAfter) return { positional, flags, multi, rest: argv.slice(i + 1) };
    }
  }
  return { positional, flags, multi, rest: [] };
}
