/**
 * `rustos cp <src> <dst>`: copy files and directories into or out of the guest
 * tree, guest paths written `:/path` (like `docker cp`). Trees travel as vfsd's
 * CopyChunk stream (proto/rustos/v1/vfsd.proto): entries, then file bytes.
 */
import { createReadStream, lstatSync, readdirSync, readlinkSync, mkdirSync, writeFileSync, symlinkSync, chmodSync, utimesSync, existsSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { join, basename, dirname, resolve as absolute } from 'node:path';
import { grpc } from '@rustos/platform';
import type { CopyChunk, CopyChunk__Output } from '@rustos/platform/gen/rustos/v1/CopyChunk.js';
import type { CopyReply__Output } from '@rustos/platform/gen/rustos/v1/CopyReply.js';
import type { Args } from '../args.js';
import { connect } from '../endpoint.js';

const CHUNK = 256 * 1024;

async function* hostTree(root: string, rel = '.'): AsyncGenerator<CopyChunk> {
  const abs = rel === '.' ? root : join(root, rel);
  const st = lstatSync(abs);
  const base = { path: rel, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs };
  if (st.isSymbolicLink()) {
    yield { entry: { ...base, kind: 'SYMLINK', target: readlinkSync(abs), size: 0 } };
  } else if (st.isDirectory()) {
    yield { entry: { ...base, kind: 'DIRECTORY', size: 0 } };
    for (const name of readdirSync(abs).sort()) yield* hostTree(root, rel === '.' ? name : `${rel}/${name}`);
  } else if (st.isFile()) {
    yield { entry: { ...base, kind: 'FILE', size: st.size } };
    for await (const chunk of createReadStream(abs, { highWaterMark: CHUNK })) yield { data: chunk as Buffer };
  }
}

async function copyIn(n: ReturnType<typeof connect>, src: string, dst: string): Promise<number> {
  if (!existsSync(src)) throw new Error(`${src}: no such file or directory`);
  let reply!: Promise<CopyReply__Output>;
  const up = await new Promise<grpc.ClientWritableStream<CopyChunk>>((resolve) => {
    reply = new Promise((res, rej) => resolve(n.admin.CopyIn((err, r) => (err ? rej(err) : res(r!)))));
  });
  // A refusal can come while chunks are still being sent: it is awaited (and
  // reported) below, not an unhandled rejection that kills the CLI meanwhile.
  reply.catch(() => undefined);
  up.write({ target: { path: dst, name: basename(src) } });
  for await (const chunk of hostTree(src)) {
    if (!up.write(chunk)) await new Promise((r) => up.once('drain', r));
  }
  up.end();
  const r = await reply;
  if (r.errno) {
    process.stderr.write(`rustos cp: ${r.message || `errno ${r.errno}`}\n`);
    return 1;
  }
  return 0;
}

async function copyOut(n: ReturnType<typeof connect>, src: string, dst: string): Promise<number> {
  // Like docker cp: into an existing directory under the source's name, else at dst.
  const into = existsSync(dst) && statSync(dst).isDirectory();
  const root = into ? join(dst, basename(src)) : dst;
  // Like docker cp, a new destination's directory must exist: no parents are made for it.
  if (!into && !existsSync(dirname(absolute(dst)))) {
    process.stderr.write(`rustos cp: ${dirname(absolute(dst))}: no such directory\n`);
    return 1;
  }
  const stream = n.admin.CopyOut({ path: src });
  let file: { fd: number; mode: number; mtime: number; path: string } | undefined;
  const closeFile = () => {
    if (!file) return;
    closeSync(file.fd);
    chmodSync(file.path, file.mode);
    utimesSync(file.path, file.mtime / 1000, file.mtime / 1000);
    file = undefined;
  };
  const dirs: Array<{ path: string; mode: number; mtime: number }> = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: CopyChunk__Output) => {
      if (c.body === 'data') return void (file && writeSync(file.fd, c.data!));
      if (c.body !== 'entry') return;
      closeFile();
      const e = c.entry!;
      const path = e.path === '.' ? root : join(root, e.path);
      if (e.kind === 'DIRECTORY') {
        mkdirSync(path, { recursive: true });
        dirs.push({ path, mode: e.mode, mtime: e.mtimeMs });
      } else if (e.kind === 'SYMLINK') {
        mkdirSync(dirname(path), { recursive: true });
        symlinkSync(e.target, path);
      } else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, '');
        file = { fd: openSync(path, 'w'), mode: e.mode, mtime: e.mtimeMs, path };
      }
    });
    stream.on('end', () => { closeFile(); resolve(); });
    stream.on('error', reject);
  });
  for (const d of dirs.reverse()) {
    chmodSync(d.path, d.mode);
    utimesSync(d.path, d.mtime / 1000, d.mtime / 1000);
  }
  return 0;
}

export async function cp(args: Args): Promise<number> {
  const [src, dst] = args.positional.slice(1);
  if (!src || !dst || src.startsWith(':') === dst.startsWith(':')) {
    process.stderr.write('usage: rustos cp <host-path> :<guest-path>  |  rustos cp :<guest-path> <host-path>\n');
    return 2;
  }
  const n = connect(args.flags.get('endpoint'));
  try {
    return src.startsWith(':') ? await copyOut(n, src.slice(1), dst) : await copyIn(n, src, dst.slice(1));
  } catch (err) {
    process.stderr.write(`rustos cp: ${(err as grpc.ServiceError).details || (err as Error).message}\n`);
    return 1;
  } finally {
    n.close();
  }
}
