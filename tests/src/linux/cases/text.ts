/** busybox text applets over generated inputs (copied in) and generated files. */
import type { SuiteCase } from '../case.js';
import { script, TEXT_FILES, lines } from './data.js';

function text(id: string, title: string, opts: Partial<SuiteCase> = {}): SuiteCase {
  const name = `${id}.sh`;
  return { id, area: 'text', title, argv: ['sh', name], files: { [name]: script(name), ...TEXT_FILES }, ...opts };
}

const bb = (id: string, title: string, argv: string[], opts: Partial<SuiteCase> = {}): SuiteCase =>
  ({ id: `bb-${id}`, area: 'text', title, argv: ['busybox', ...argv], ...opts });

export const textCases: SuiteCase[] = [
  text('sort-uniq', 'sort (-n -r -k -t -u -f -s -c) and uniq (-c -d -u)'),
  text('awk', 'awk: fields, arrays, printf, string and math functions, getline'),
  text('sed-grep', 'sed (s///, addresses, ranges, y, i/a, -i) and grep (-c -v -i -n -o -E -w -l -q)'),
  text('tr-cut-head', 'tr, cut, head, tail, wc, seq, printf, expr'),
  text('checksums', 'md5sum/sha1sum/sha256sum/sha512sum of generated files, -c, cksum, base64'),
  text('dates', 'date with fixed epoch inputs: arithmetic, formats, parsing'),
  text('misc-tools', 'od, hexdump, xxd, rev, tac, nl, fold, paste, join, comm, xargs, dd, split, diff, cmp, stat, cp/mv/ln/rm'),
  bb('sort-stdin', 'busybox sort -n of 3000 lines on stdin', ['sort', '-k3,3n', '-k1,1n'], { stdin: lines(3000) }),
  bb('wc-stdin', 'busybox wc of stdin', ['wc'], { stdin: lines(5000, 9) }),
  bb('md5-stdin', 'busybox md5sum of stdin', ['md5sum'], { stdin: lines(2000, 3) }),
  bb('awk-stdin', 'busybox awk summing a column of stdin', ['awk', '{ s += $3 } END { print NR, s, s / NR }'], { stdin: lines(1000, 4) }),
  bb('grep-stdin', 'busybox grep -c over stdin, no match exits 1', ['grep', '-c', 'no-such-word'], { stdin: lines(100), status: 1 }),
  bb('printf', 'busybox printf with many conversions', ['printf', '%s=%d %05.2f %x|%-6s|%c%%\\n', 'a', '42', '3.14159', '255', 'left', 'zed']),
  bb('expr-fail', 'busybox expr with a bad operand: message and status 2', ['expr', '1', '+', 'x'], { status: 2, quiet: true }),
  bb('unknown-applet', 'busybox with an unknown applet name', ['no-such-applet'], { status: 127, quiet: true }),
];
