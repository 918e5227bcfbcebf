// Makes a directory tree match a list of entries, touching only what differs: a
// copied file is left alone while its size, mtime and mode match the source's
// (copies take the source's mtime), text and symlinks are compared by content,
// and anything in the tree that no entry names is removed.
import { copyFileSync, chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * @typedef {{ path: string, kind: 'file', source: string }
 *   | { path: string, kind: 'text', text: string, mode: number }
 *   | { path: string, kind: 'symlink', target: string }
 *   | { path: string, kind: 'dir', mode: number }} Entry
 * `path` is the guest path (absolute); a file's mode is its source's.
 */

const PERMS = 0o7777;

/** Applies `entries` under `root`; returns how many paths were written and removed. */
export function syncTree(root, entries) {
  let written = 0;
  const wanted = new Set(['']);
  for (const e of entries) {
    for (let p = e.path; p !== '/'; p = dirname(p)) wanted.add(p);
  }
  mkdirSync(root, { recursive: true });
  for (const e of [...entries].sort((a, b) => a.path.localeCompare(b.path))) {
    const dest = join(root, e.path);
    mkdirSync(dirname(dest), { recursive: true });
    const have = lstatSync(dest, { throwIfNoEntry: false });
    if (e.kind === 'dir') {
      if (have && !have.isDirectory()) rmSync(dest, { recursive: true, force: true });
      if (!have?.isDirectory()) { mkdirSync(dest); written++; }
      if (!have || (have.mode & PERMS) !== e.mode) chmodSync(dest, e.mode);
      continue;
    }
    if (have?.isDirectory()) rmSync(dest, { recursive: true, force: true });
    if (e.kind === 'symlink') {
      if (have?.isSymbolicLink() && readlinkSync(dest) === e.target) continue;
      rmSync(dest, { force: true });
      symlinkSync(e.target, dest);
    } else if (e.kind === 'text') {
      if (have?.isFile() && (have.mode & PERMS) === e.mode && readFileSync(dest, 'utf8') === e.text) continue;
      rmSync(dest, { force: true });
      writeFileSync(dest, e.text);
      chmodSync(dest, e.mode);
    } else {
      const src = statSync(e.source);
      const same = have?.isFile() && have.size === src.size && Math.abs(have.mtimeMs - src.mtimeMs) < 1 &&
        (have.mode & PERMS) === (src.mode & PERMS);
      if (same) continue;
      rmSync(dest, { force: true });
      copyFileSync(e.source, dest);
      chmodSync(dest, src.mode & PERMS);
      utimesSync(dest, src.atime, src.mtime);
    }
    written++;
  }
  return { written, removed: prune(root, '', wanted) };
}

/** Removes what no entry names, depth first; returns the count of top-most removals. */
function prune(root, rel, wanted) {
  let removed = 0;
  for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = `${rel}/${d.name}`;
    if (!wanted.has(path)) {
      rmSync(join(root, path), { recursive: true, force: true });
      removed++;
    } else if (d.isDirectory()) {
      removed += prune(root, path, wanted);
    }
  }
  return removed;
}
