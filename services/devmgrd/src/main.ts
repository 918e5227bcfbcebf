/**
 * devmgrd — the device manager.
 *
 * Responsible for: enumerating the buses through the PCI broker, building each
 * device's modalias string, and publishing the device tree to driverd.
 *
 * Never: binds drivers (driverd does) or touches device registers beyond
 * configuration space.
 */
import { main } from '@rustos/platform';

main({ name: 'devmgrd' });
