/**
 * Real dynamic host tools (GNU coreutils, grep, sed) with their shared libraries,
 * found through PATH in /usr/bin ahead of busybox; inputs copied in or on stdin.
 */
import { createHash } from 'node:crypto';
import { LS_OWNERS, LS_TOTAL, type SuiteCase } from '../case.js';
import { lines, PROSE, TABLE, TEXT_FILES, WORDS } from './data.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

const tool = (id: string, title: string, argv: string[], opts: Partial<SuiteCase> = {}): SuiteCase =>
  ({ id: `gnu-${id}`, area: 'host-tools', title, argv, ...opts });

export const hostToolCases: SuiteCase[] = [
  tool('sort', 'GNU sort -t: -k2,2n -k1,1 of a copied file', ['sort', '-t:', '-k2,2n', '-k1,1', 'table.txt'], { files: { 'table.txt': TABLE } }),
  tool('sort-stdin', 'GNU sort -u -f of stdin', ['sort', '-u', '-f'], { stdin: WORDS }),
  tool('sort-missing', 'GNU sort of a missing file: message and status 2', ['sort', 'no-such-file'], { status: 2, quiet: true }),
  tool('sha256sum', 'GNU sha256sum of copied files and of stdin', ['sha256sum', 'words.txt', 'prose.txt', '-'], { files: TEXT_FILES, stdin: lines(3000) }),
  tool('md5sum-check', 'GNU md5sum -c: one good, one bad, one missing', ['md5sum', '-c', 'sums'], {
    files: { 'a.txt': 'alpha\n', 'b.txt': 'beta\n', sums: `${md5('alpha\n')}  a.txt\n${md5('not beta\n')}  b.txt\n${md5('gone\n')}  gone.txt\n` },
    status: 1,
  }),
  tool('cat', 'GNU cat -n -A of tabs, control characters and UTF-8', ['cat', '-n', '-A', 'odd.txt'], {
    files: { 'odd.txt': 'tab\there\ncontrol\x01\x7f\nutf-8 ü\n\nno newline' },
  }),
  tool('env', 'GNU env -i and -u running GNU env', ['env', '-i', 'B=2', 'A=1', 'env', '-u', 'B', 'C=3', 'env']),
  tool('ls', 'GNU ls -l (times as a fixed style) of copied files', ['ls', '-l', '--time-style=+T', 'b', 'a', 'exec', 'sub'], {
    files: { a: 'a\n', b: { data: 'bbbbbbbbbb\n', mode: 0o600 }, exec: { data: 'x', mode: 0o755 }, 'sub/inner': 'i\n' },
    normalise: [LS_OWNERS, LS_TOTAL],
  }),
  tool('ls-plain', 'GNU ls -1 -R -F', ['ls', '-1', '-R', '-F'], { files: { 'x.txt': '1', 'tool': { data: '#!', mode: 0o755 }, 'd/e/f': '2' } }),
  tool('wc-head-tail', 'GNU wc, head and tail over stdin through a busybox sh pipeline', [
    'sh', '-c', '/usr/bin/head -n 3000 | /usr/bin/tail -n 1000 | /usr/bin/wc', ], { stdin: lines(4000, 8) }),
  tool('cut-tr-uniq', 'GNU cut, tr, sort and uniq -c in a pipeline', [
    'sh', '-c', '/usr/bin/cut -d" " -f2 | /usr/bin/tr a-z A-Z | /usr/bin/sort | /usr/bin/uniq -c | /usr/bin/sort -k1,1nr -k2 | /usr/bin/head -8'], { stdin: lines(2000, 12) }),
  tool('seq', 'GNU seq with a format and a separator', ['seq', '-f', '%05.1f', '-s', ' ', '0', '0.75', '6']),
  tool('grep-pcre', 'GNU grep -P (libpcre2) -o and -c', ['sh', '-c', "/usr/bin/grep -oP '\\b[a-z]{5}\\b(?= )' prose.txt | head -5; /usr/bin/grep -cP '^\\w+ \\w+' prose.txt"], { files: { 'prose.txt': PROSE } }),
  tool('sed', 'GNU sed -E with back-references and a range', ['sed', '-n', '-E', '2,4{s/([a-z]+) ([a-z]+)/\\2 \\1/p}', 'prose.txt'], { files: { 'prose.txt': PROSE } }),
];
