/**
 * driverd — driver binding.
 *
 * Responsible for: matching the device tree's modalias strings against driver
 * manifests, and asking the nucleus (DRIVER_PROBE_ALIAS, DRIVER_LOAD_MODULE) to
 * load and bind bridge modules; handing devices to their userspace drivers.
 *
 * Never: drives a device itself.
 */
import { main } from '@rustos/platform';

main({ name: 'driverd' });
