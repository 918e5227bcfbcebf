/**
 * The ext2 on-disk format (revision 1, as in Linux's fs/ext2/ext2.h and the
 * e2fsprogs ext2_fs.h): superblock and group descriptor field offsets, feature
 * bits, and the constants the rest of the folder shares. All little-endian.
 */
export const EXT2_MAGIC = 0xef53;
export const SUPERBLOCK_OFFSET = 1024;
export const ROOT_INO = 2;
export const GOOD_OLD_FIRST_INO = 11;

/** Superblock field byte offsets (from the superblock's start). */
export const SB = {
  inodes_count: 0, blocks_count: 4, r_blocks_count: 8, free_blocks_count: 12, free_inodes_count: 16,
  first_data_block: 20, log_block_size: 24, log_frag_size: 28, blocks_per_group: 32, frags_per_group: 36,
  inodes_per_group: 40, mtime: 44, wtime: 48, mnt_count: 52, max_mnt_count: 54, magic: 56, state: 58,
  errors: 60, minor_rev_level: 62, lastcheck: 64, checkinterval: 68, creator_os: 72, rev_level: 76,
  def_resuid: 80, def_resgid: 82, first_ino: 84, inode_size: 88, block_group_nr: 90, feature_compat: 92,
  feature_incompat: 96, feature_ro_compat: 100, uuid: 104, volume_name: 120, last_mounted: 136,
  hash_seed: 236, def_hash_version: 252,
} as const;

/** Group descriptor (32 bytes) field offsets. */
export const GD = {
  block_bitmap: 0, inode_bitmap: 4, inode_table: 8, free_blocks_count: 12, free_inodes_count: 14, used_dirs_count: 16,
} as const;
export const GD_SIZE = 32;

export const FEATURE = {
  COMPAT_EXT_ATTR: 0x0008, COMPAT_RESIZE_INODE: 0x0010, COMPAT_DIR_INDEX: 0x0020,
  INCOMPAT_FILETYPE: 0x0002,
  RO_COMPAT_SPARSE_SUPER: 0x0001, RO_COMPAT_LARGE_FILE: 0x0002,
} as const;
/** What this driver can mount read-write: anything else is refused (a journal, extents, 64-bit…). */
export const SUPPORTED_INCOMPAT = FEATURE.INCOMPAT_FILETYPE;
export const SUPPORTED_RO_COMPAT = FEATURE.RO_COMPAT_SPARSE_SUPER | FEATURE.RO_COMPAT_LARGE_FILE;

/** Inode field offsets. */
export const INO = {
  mode: 0, uid: 2, size: 4, atime: 8, ctime: 12, mtime: 16, dtime: 20, gid: 24, links_count: 26, blocks: 28,
  flags: 32, block: 40, generation: 100, file_acl: 104, size_high: 108, uid_high: 120, gid_high: 122,
} as const;
export const N_DIRECT = 12;
export const IND = 12, DIND = 13, TIND = 14;
/** A symlink target this short lives in i_block itself (a "fast" symlink). */
export const FAST_SYMLINK_MAX = 59;

/** Directory entry file types (INCOMPAT_FILETYPE). */
export const FT = { UNKNOWN: 0, REG: 1, DIR: 2, CHRDEV: 3, BLKDEV: 4, FIFO: 5, SOCK: 6, SYMLINK: 7 } as const;

/** Does group `g` hold a superblock backup (sparse_super: 0, 1 and powers of 3, 5, 7)? */
export function hasSuperBackup(g: number, sparse: boolean): boolean {
  if (!sparse || g <= 1) return true;
  for (const p of [3, 5, 7]) {
    let n = p;
    while (n < g) n *= p;
    if (n === g) return true;
  }
  return false;
}
