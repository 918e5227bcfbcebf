/** Files through busybox: find, ls, tar and gzip on trees the scripts build. */
import { INODES, LS_LONG, LS_OWNERS, LS_TOTAL, type SuiteCase } from '../case.js';
import { script } from './data.js';

function files(id: string, title: string, opts: Partial<SuiteCase> = {}): SuiteCase {
  const name = `${id}.sh`;
  return { id, area: 'files', title, argv: ['sh', name], files: { [name]: script(name) }, ...opts };
}

export const fileCases: SuiteCase[] = [
  files('find', 'find by type, name, size, depth, -newer, -prune, -exec (sorted listings)'),
  // The first ls -l lines show creation times; the later ones fixed ones (touch -d), so only owners are hidden there.
  files('ls', 'busybox ls: -1 -a -F -R -l -ld -S -t -r on created files', { normalise: [LS_LONG, LS_TOTAL], status: 0 }),
  {
    id: 'ls-fixed-times', area: 'files', title: 'busybox ls -l of files with fixed times and modes',
    argv: ['sh', '-c', "touch -d '1999-12-31 23:59:59' old; touch -d '2021-07-04 10:30:00' mid; printf abc > mid; touch -d '2021-07-04 10:30:00' mid; chmod 600 old; ln -s mid sym; ls -l old mid; ls -ln old | cut -c1-10"],
    normalise: [LS_OWNERS],
  },
  {
    id: 'inodes', area: 'files', title: 'inode numbers: a hard link shares one, a copy gets its own, a rename keeps it',
    argv: ['sh', '-c', 'echo a > a; ln a hard; cp a copy; echo b > b; stat -c "%i %n" b; mv b moved; ls -i1 a copy hard moved; stat -c "%i %h %n" a hard copy moved'],
    normalise: [INODES],
  },
  files('archives', 'tar (plain, gzip) and gzip/gunzip/zcat round trips, a truncated archive'),
  {
    id: 'cp-input-modes', area: 'files', title: 'files copied in keep their bytes and modes (rustos cp)',
    argv: ['sh', '-c', 'stat -c "%a %s %n" tool data nested/deep.txt; ./tool; cat nested/deep.txt; md5sum data'],
    files: {
      tool: { data: '#!/bin/busybox sh\necho "an executable copied in runs"\n', mode: 0o755 },
      data: { data: new Uint8Array(Array.from({ length: 3000 }, (_, i) => (i * 131) & 255)), mode: 0o600 },
      'nested/deep.txt': 'in a subdirectory\n',
    },
  },
];
