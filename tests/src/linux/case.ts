/**
 * One case of the differential suite: a command run natively on the host and on
 * RustOS-TS through `rustos run`, whose stdout, stderr and exit status must match
 * byte for byte after the case's normalisation rules (applied to both sides).
 *
 * Both sides run the command through the suite's launcher (`launch DIR VAR=… --
 * argv…`, tests/linux-programs/src/launch.c) in a scratch directory with the same
 * absolute path on both sides, with exactly the case's environment; argv[0] is
 * found through PATH. Natively PATH's directories are those of build/rootfs, so
 * both sides run the same binaries.
 */

export type Area = 'shell' | 'text' | 'files' | 'c-static' | 'c-dynamic' | 'host-tools';

/** A file the case expects in its directory before it runs (`rustos cp` on the system). */
export interface InputFile {
  data: string | Uint8Array;
  /** Permission bits; 0o644 when not given. */
  mode?: number;
}

/** A rewrite applied to stdout and stderr on both sides (for what legitimately differs). */
export interface Rule {
  /** What it hides and why it may differ. */
  name: string;
  apply(text: string): string;
}

const substitute = (name: string, pattern: RegExp, replace: string): Rule => ({ name, apply: (t) => t.replace(pattern, replace) });

export interface SuiteCase {
  /** Unique slug: the test name's prefix and the scratch directory's name. */
  id: string;
  area: Area;
  /** What the case exercises. */
  title: string;
  /** argv, argv[0] looked up in the case's PATH. */
  argv: string[];
  stdin?: string | Uint8Array;
  /** Added to (or overriding) DEFAULT_ENV, in this order. */
  env?: Record<string, string>;
  /** Relative path -> file, written before the run. */
  files?: Record<string, string | InputFile>;
  normalise?: Rule[];
  /** The exit status the native run must have (0 when not given): a case that fails natively is a broken case. */
  status?: number;
  /** The case may legitimately print nothing on stdout. */
  quiet?: boolean;
}

/** The guest environment every case starts from. */
export const DEFAULT_ENV: Record<string, string> = {
  PATH: '/opt/rustos/tests:/usr/bin:/bin:/usr/sbin:/sbin',
  HOME: '/home/user',
  LANG: 'C',
  TZ: 'UTC',
};

export function environment(c: SuiteCase): Array<[string, string]> {
  return Object.entries({ ...DEFAULT_ENV, ...c.env });
}

/** `ls -l` lines: owner and group (the host user need not be the guest's) and the time column. */
export const LS_LONG = substitute('ls -l owner, group and time',
  /^([-dlbcps][-rwxsStT]{9}[.+]?)\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s+(?:\w{3}\s+\d{1,2}\s+(?:\d{1,2}:\d{2}|\d{4})|\S+)\s/gm,
  '$1 $2 OWNER GROUP $3 TIME ');

/** `ls -l` owner and group only, for files whose times the case fixes itself. */
export const LS_OWNERS = substitute('ls -l owner and group', /^([-dlbcps][-rwxsStT]{9}[.+]?)\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s/gm, '$1 $2 OWNER GROUP $3 ');

/** `ls -l`'s "total" counts blocks, which belong to the filesystem (ext4, tmpfs) under the directory. */
export const LS_TOTAL = substitute('ls total blocks', /^total \d+$/gm, 'total N');

/** A shell's or program's own process ids, printed as "pid=N". */
export const PIDS = substitute('process ids', /\bpid=\d+/g, 'pid=N');

/**
 * Inode numbers leading a line (`ls -i`, `stat -c '%i ...'`): each distinct number
 * becomes I1, I2, ... in order of first appearance, so the numbers are hidden but
 * which names share an inode (hard links) still has to match.
 */
export const INODES: Rule = {
  name: 'inode numbers, up to renaming',
  apply(text) {
    const seen = new Map<string, string>();
    return text.replace(/^\s*(\d+)\s+/gm, (_, n: string) => {
      if (!seen.has(n)) seen.set(n, `I${seen.size + 1}`);
      return `${seen.get(n)} `;
    });
  },
};

export function applyRules(text: string, rules: Rule[] = []): string {
  return rules.reduce((t, r) => r.apply(t), text);
}
