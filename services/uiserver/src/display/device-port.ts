/**
 * What uiserver's drivers need of a device they were granted: the platform's
 * DevicePort (one DeviceBroker session per device), re-exported so the
 * drivers depend on nothing else of it.
 */
export type { DevicePort } from '@rustos/platform';
