/** Bounds every broker checks before acting, so oversized requests fail as INVALID_ARGUMENT. */
export const MAX_CONTENT_BYTES = 64 * 1024 * 1024;
export const MAX_COPY_BYTES = 16 * 1024 * 1024;
export const MAX_USER_ADDRESS = 2 ** 47;
export const MAX_ARGV_BYTES = 2 * 1024 * 1024;
