/** A small argument parser: `--flag`, `--key value`, `--key=value`, `-x`, and `--` ending options. */
export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
  /** Everything after `--` (or after the first positional of commands that take a program). */
  rest: string[];
}

export function parseArgs(argv: string[], valued: string[] = [], stopAtFirstPositional = false): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return { positional, flags, rest: argv.slice(i + 1) };
    if (a.startsWith('--')) {
      const [key, value] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (value !== undefined) flags.set(key, value);
      else if (valued.includes(key) && i + 1 < argv.length) flags.set(key, argv[++i]!);
      else flags.set(key, true);
    } else if (a.startsWith('-') && a.length > 1) {
      const key = a.slice(1);
      if (valued.includes(key) && i + 1 < argv.length) flags.set(key, argv[++i]!);
      else flags.set(key, true);
    } else {
      positional.push(a);
      if (stopAtFirstPositional) return { positional, flags, rest: argv.slice(i + 1) };
    }
  }
  return { positional, flags, rest: [] };
}
