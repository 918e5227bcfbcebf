/**
 * Mounting /data: read the device, format it if (and only if) it is all
 * zeroes, check the superblock before trusting a single pointer (a corrupt
 * image is refused with the reason and never written), and replay the last
 * committed log record.
 */
import { Committer, LOG_BYTES, logArea, recordBlocks, replay } from './commit.js';
import { readAll, readInto, TRANSFER, writeAt, type BlockDevice } from './device.js';
import { EXT2_MAGIC, GD, SB, SUPERBLOCK_OFFSET, SUPPORTED_INCOMPAT, SUPPORTED_RO_COMPAT } from './layout.js';
import { mkfs } from './mkfs.js';
import { Volume } from './volume.js';

export class MountError extends Error {}

const ZEROES = Buffer.alloc(1 << 16);

/**
 * Whether `len` bytes of `b` from `from` (clamped to its end) are zero, compared
 * natively a chunk at a time without a subarray per call (a Buffer view per 4 KiB
 * block cost ~230 ms of a first boot's CPU when formatting scanned the whole image).
 */
function allZero(b: Buffer, from = 0, len = b.length - from): boolean {
  for (let at = from, end = Math.min(from + len, b.length); at < end; at += ZEROES.length) {
    const n = Math.min(ZEROES.length, end - at);
    if (ZEROES.compare(b, at, at + n, 0, n) !== 0) return false;
  }
  return true;
}

/** Why the superblock and descriptors cannot be trusted, or undefined when they can. */
export function checkSuper(image: Buffer): string | undefined {
  if (image.length < SUPERBLOCK_OFFSET + 1024) return 'device smaller than a superblock';
  const u32 = (f: number) => image.readUInt32LE(SUPERBLOCK_OFFSET + f);
  const magic = image.readUInt16LE(SUPERBLOCK_OFFSET + SB.magic);
  if (magic !== EXT2_MAGIC) return `bad magic 0x${magic.toString(16)} (not ext2)`;
  if (u32(SB.rev_level) !== 1) return `revision ${u32(SB.rev_level)} (only revision 1)`;
  const logBs = u32(SB.log_block_size);
  if (logBs > 2) return `block size 2^${10 + logBs} unsupported`;
  const bs = 1024 << logBs;
  const incompat = u32(SB.feature_incompat) & ~SUPPORTED_INCOMPAT;
  if (incompat) return `unsupported incompatible features 0x${incompat.toString(16)}`;
  const ro = u32(SB.feature_ro_compat) & ~SUPPORTED_RO_COMPAT;
  if (ro) return `unsupported read-only-compatible features 0x${ro.toString(16)}`;
  const blocks = u32(SB.blocks_count);
  if (blocks === 0 || blocks * bs > image.length) return `impossible block count ${blocks} for a ${image.length}-byte device`;
  if (u32(SB.first_data_block) !== (bs === 1024 ? 1 : 0)) return `impossible first data block ${u32(SB.first_data_block)}`;
  if (u32(SB.blocks_per_group) !== bs * 8) return `impossible blocks per group ${u32(SB.blocks_per_group)}`;
  const inodeSize = image.readUInt16LE(SUPERBLOCK_OFFSET + SB.inode_size);
  if (inodeSize < 128 || inodeSize > bs || inodeSize & (inodeSize - 1)) return `impossible inode size ${inodeSize}`;
  const ipg = u32(SB.inodes_per_group);
  const v = new Volume(image);
  if (ipg === 0 || ipg > bs * 8 || ipg * v.groups !== u32(SB.inodes_count)) return `impossible inode count ${u32(SB.inodes_count)}`;
  if (u32(SB.free_blocks_count) > blocks || u32(SB.free_inodes_count) > u32(SB.inodes_count)) return 'impossible free counts';
  const tableBlocks = Math.ceil((ipg * inodeSize) / bs);
  for (let g = 0; g < v.groups; g++) {
    const inside = (b: number, n = 1) => b >= v.firstDataBlock && b + n <= blocks;
    if (!inside(v.gd32(g, GD.block_bitmap)) || !inside(v.gd32(g, GD.inode_bitmap)) || !inside(v.gd32(g, GD.inode_table), tableBlocks)) {
      return `group ${g}: descriptor points outside the filesystem`;
    }
  }
  return undefined;
}

export interface Mounted {
  volume: Volume;
  committer: Committer;
  formatted: boolean;
  replayed: number;
}

/**
 * The device as the filesystem uses it: the blocks its bitmaps mark in use
 * (metadata included) and the last record of the commit log after it; free blocks stay zero in
 * memory, as a newly allocated block starts. A mount then costs what is stored,
 * not the size of the disk (a restarted vfsd is back in a fraction of the time).
 * A device that is not (yet) a sound ext2 is read whole, to tell a blank disk
 * (formatted) from a corrupt one (refused), unless the device says it holds no
 * data at all (a new thin-provisioned disk: `blank`).
 */
async function readImage(dev: BlockDevice): Promise<{ image: Buffer; blank: boolean }> {
  const image = Buffer.alloc(dev.blocks * dev.blockSize);
  if (await dev.allocatedBlocks?.() === 0) return { image, blank: true };
  const head = Math.min(image.length, TRANSFER - (TRANSFER % dev.blockSize));
  await readInto(dev, image, 0, head);
  if (checkSuper(image)) {
    const whole = await readAll(dev);
    return { image: whole, blank: allZero(whole) };
  }
  const v = new Volume(image);
  await readUsed(dev, v, (b) => (b + 1) * v.blockSize <= head);
  const log = logArea(v, image.length);
  if (log) {
    // The log's header, then only the record it describes.
    await readInto(dev, image, log.at, v.blockSize);
    const count = recordBlocks(v, log, image);
    if (count) await readInto(dev, image, log.at + v.blockSize, count * v.blockSize);
  }
  return { image, blank: false };
}

/** Read every block the bitmaps mark in use (bitmaps first) that `have` says is not in memory yet. */
async function readUsed(dev: BlockDevice, v: Volume, have: (block: number) => boolean): Promise<void> {
  const bs = v.blockSize;
  for (const [from, to] of usedRuns(v, (bitmap) => [bitmap, bitmap + 1])) {
    for (let b = from; b < to;) {   // in runs of the blocks still missing
      if (have(b)) { b++; continue; }
      let end = b;
      while (end < to && !have(end)) end++;
      await readInto(dev, v.image, b * bs, (end - b) * bs);
      b = end;
    }
  }
}

/**
 * Runs [from, to) of the blocks each group's bitmap marks in use, in group order;
 * `before(bitmap)` yields a run first, while the group's bitmap is still to be read.
 */
function* usedRuns(v: Volume, before?: (bitmap: number) => [number, number]): Generator<[number, number]> {
  const bs = v.blockSize;
  for (let g = 0; g < v.groups; g++) {
    const bitmap = v.gd32(g, GD.block_bitmap);
    if (before) yield before(bitmap);
    const first = v.firstDataBlock + g * v.blocksPerGroup;
    const count = Math.min(v.blocksPerGroup, v.blocksCount - first);
    let run = -1;
    for (let i = 0; i <= count; i++) {
      const used = i < count && (v.image[bitmap * bs + (i >> 3)]! >> (i & 7)) & 1;
      if (used && run < 0) run = i;
      else if (!used && run >= 0) {
        yield [first + run, first + i];
        run = -1;
      }
    }
  }
}

export async function mountExt2(dev: BlockDevice, onError?: (err: Error) => void): Promise<Mounted> {
  const { image, blank } = await readImage(dev);
  let formatted = false;
  if (blank) {
    const bs = 4096;
    const v = mkfs(image, { blockSize: bs, blocks: Math.floor((image.length - LOG_BYTES) / bs), now: Math.floor(Date.now() / 1000) });
    // What mkfs wrote: the blocks it marked in use that are not zero (the rest already
    // reads as zero). Scanning only those leaves the untouched pages of the image
    // unmapped: reading them faulted in 64 MiB on every first boot.
    for (const [from, to] of usedRuns(v)) {
      for (let off = from * bs, end = to * bs; off < end;) {
        if (allZero(image, off, bs)) { off += bs; continue; }
        let stop = off + bs;
        while (stop < end && !allZero(image, stop, bs)) stop += bs;
        await writeAt(dev, off, image.subarray(off, stop));
        off = stop;
      }
    }
    await dev.flush();
    formatted = true;
  }
  const why = checkSuper(image);
  if (why) throw new MountError(why);
  const volume = new Volume(image);
  const log = logArea(volume, image.length);
  const restored = replay(volume, log, image);
  if (restored.length) {
    for (const b of restored) await writeAt(dev, b * volume.blockSize, volume.block(b));
    await dev.flush();
    // The replayed bitmaps may own blocks whose data was written in place before the
    // crash but which the old bitmaps called free (so they were not read): read them.
    const replayed = new Set(restored);
    await readUsed(dev, volume, (b) => replayed.has(b));
    const again = checkSuper(image);
    if (again) throw new MountError(`after log replay: ${again}`);
  }
  return { volume, committer: new Committer(dev, volume, log, onError), formatted, replayed: restored.length };
}
