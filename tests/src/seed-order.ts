/** The seed's boot order, as milestones: what every boot (local, compose, Testcontainers) must show in this order. */
export const SEED_ORDER = [
  ...['gdt', 'idt', 'paging', 'framebuffer', 'heap', 'fault_injection', 'acpi', 'pci', 'usb', 'input', 'console', 'rtc', 'random', 'syscall'].map((s) => `executive.initialize.${s}`),
  'executive.initialize.done',
  ...['vfs', 'display', 'input', 'network', 'housekeeping', 'init_bootstrap'].map((s) => `executive.finalize.${s}`),
  'executive.finalize.done',
  'rootd.ready',
  'syscalld.ready', 'vfsd.ready', 'loaderd.ready', 'devmgrd.ready', 'driverd.ready', 'storaged.ready',
  'initd.ready',
  'runtimed.ready',
  'runtimed.launch',
  'uiserver.ready',
  'runtimed.bootstrap',
  'runtimed.catalogs',
  'runtimed.autostart',
  'desktop.ready',
];

/** Asserts `names` contains SEED_ORDER as a subsequence; returns a message if not. */
export function checkSeedOrder(names: string[]): string | undefined {
  let at = -1;
  for (let s = 0; s < SEED_ORDER.length; s++) {
    const i = names.indexOf(SEED_ORDER[s]!, at + 1);
    if (i <= at) return `${SEED_ORDER[s]} should follow ${SEED_ORDER[s - 1] ?? 'boot start'} (milestones: ${names.join(' ')})`;
    at = i;
  }
  return undefined;
}
