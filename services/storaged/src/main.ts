/**
 * storaged — block storage.
 *
 * Responsible for: driving the block controller through the MMIO, IRQ and DMA
 * brokers it was granted, and serving blocks to vfsd with flush semantics that
 * make fsynced data survive restarts.
 *
 * Never: interprets filesystems (vfsd does), or reaches a device it holds no
 * grant for.
 */
import { main } from '@rustos/platform';

main({ name: 'storaged' });
