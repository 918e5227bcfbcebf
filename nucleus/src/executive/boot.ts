/**
 * Boot orchestration, in the seed's order: `initialize` brings up the machine and
 * the kernel's mechanisms, `finalize` starts the housekeeping task and the init
 * bootstrap task that opens enrollment to rootd. Every step is a milestone
 * `executive.initialize.<step>` / `executive.finalize.<step>` whose detail says
 * what the step found or set up.
 */
import { getHeapStatistics } from 'node:v8';
import { randomBytes } from 'node:crypto';
import type { Kernel } from './kernel.js';

export interface Step {
  name: string;
  run(): string | Promise<string>;
}

async function runSteps(k: Kernel, phase: 'initialize' | 'finalize', steps: Step[]): Promise<void> {
  for (const step of steps) {
    const detail = await step.run();
    k.milestones.emit({ name: `executive.${phase}.${step.name}`, detail });
  }
  k.milestones.emit({ name: `executive.${phase}.done` });
}

export interface BootHooks {
  /** Machine bring-up steps contributed by the machine/hal/mm/io parts, by name. */
  machine: Partial<Record<'gdt' | 'idt' | 'paging' | 'framebuffer' | 'acpi' | 'pci' | 'usb' | 'input' | 'console' | 'rtc' | 'syscall', () => string | Promise<string>>>;
  /** Binds the nucleus's gRPC surface (its "syscall" interface for services). */
  serve(): Promise<string>;
}

export async function initialize(k: Kernel, hooks: BootHooks): Promise<void> {
  const m = hooks.machine;
  const none = (what: string) => () => what;
  await runSteps(k, 'initialize', [
    { name: 'gdt', run: m.gdt ?? none('flat 64-bit user code and data segments; FS/GS bases per thread') },
    { name: 'idt', run: m.idt ?? none('no trap handlers') },
    { name: 'paging', run: m.paging ?? none('no physical memory') },
    { name: 'framebuffer', run: m.framebuffer ?? none('no display device') },
    { name: 'heap', run: () => `nucleus heap limit ${Math.round(getHeapStatistics().heap_size_limit / 2 ** 20)} MiB` },
    { name: 'fault_injection', run: () => (k.faults.ruleCount ? `${k.faults.ruleCount} rules: ${k.faults.describe().join('; ')}` : 'no rules') },
    { name: 'acpi', run: m.acpi ?? none('no ACPI tables') },
    { name: 'pci', run: m.pci ?? none('no PCI bus') },
    { name: 'usb', run: m.usb ?? none('no USB controllers') },
    { name: 'input', run: m.input ?? none('no input devices') },
    { name: 'console', run: m.console ?? none('nucleus log on stdout') },
    { name: 'rtc', run: m.rtc ?? none(`host clock ${new Date().toISOString()}`) },
    { name: 'random', run: () => `entropy pool seeded (${randomBytes(32).length * 8} bits from the host)` },
    {
      name: 'syscall',
      run: async () => [await hooks.serve(), m.syscall ? await m.syscall() : ''].filter(Boolean).join('; '),
    },
  ]);
}

export async function finalize(k: Kernel, housekeeping: () => string): Promise<void> {
  await runSteps(k, 'finalize', [
    { name: 'vfs', run: () => 'file policy is vfsd\'s; the nucleus routes file syscalls to its endpoint' },
    { name: 'display', run: () => 'display policy is uiserver\'s' },
    { name: 'input', run: () => 'input policy is uiserver\'s' },
    { name: 'network', run: () => 'no network devices' },
    { name: 'housekeeping', run: housekeeping },
    {
      name: 'init_bootstrap',
      run: () => {
        k.accepting = true;
        return 'enrollment open; the root task (rootd) is admitted when it enrolls';
      },
    },
  ]);
}
