/**
 * The mount table: which filesystem's root sits at which canonical guest path.
 * The walker consults it at every step, so crossing into /tmp or /proc needs no
 * directory in the filesystem underneath (a mount point that does not exist in
 * the root image still lists in its parent).
 */
import type { Fs, Node } from './node.js';

export interface Mount {
  path: string;
  fs: Fs;
  root: Node;
  /** /proc/mounts options. */
  options: string;
}

export class Mounts {
  readonly byPath = new Map<string, Mount>();
  /** Mount point names under each directory path that holds one. */
  private readonly children = new Map<string, string[]>();
  /** Mounts on their way (/data while a restarted vfsd reads it again): calls crossing one wait for it. */
  private readonly pending = new Map<string, Promise<unknown>>();

  add(path: string, fs: Fs, root: Node, options: string): void {
    this.byPath.set(path, { path, fs, root, options });
    if (path === '/') return;
    const cut = path.lastIndexOf('/');
    const parent = cut === 0 ? '/' : path.slice(0, cut);
    const list = this.children.get(parent) ?? [];
    list.push(path.slice(cut + 1));
    this.children.set(parent, list);
  }

  root(): Node {
    return this.byPath.get('/')!.root;
  }

  /** `path` will be mounted (or not) once `done` settles. */
  expect(path: string, done: Promise<unknown>): void {
    const settled = done.then(() => undefined, () => undefined).finally(() => this.pending.delete(path));
    this.pending.set(path, settled);
  }

  /** What a call crossing `path` must wait for first, if anything. */
  coming(path: string): Promise<unknown> | undefined {
    return this.pending.get(path);
  }

  /** Resolves once no mount is on its way. */
  async settled(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  /** The root of what is mounted at `path`, if anything. */
  at(path: string): Node | undefined {
    return this.byPath.get(path)?.root;
  }

  /** Names of the mount points directly under directory `path`. */
  under(path: string): readonly string[] {
    return this.children.get(path) ?? [];
  }

  /** Mounts in mount order, for /proc/mounts. */
  all(): Mount[] {
    return [...this.byPath.values()];
  }
}
