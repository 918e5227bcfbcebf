/** The Linux errno values the mm mechanisms report (returned negated, as the kernel does). */
export const ENOMEM = 12;
export const EFAULT = 14;
export const EINVAL = 22;
export const ENAMETOOLONG = 36;
