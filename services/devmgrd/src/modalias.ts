/**
 * The PCI modalias string exactly as Linux writes it (drivers/pci/pci-sysfs.c
 * modalias_show, matched by scripts/mod/file2alias.c):
 * "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X".
 */
export interface PciIds { vendor: number; device: number; subsystemVendor: number; subsystem: number; classCode: number; subclass: number; progIf: number }

const hex = (v: number, width: number) => v.toString(16).toUpperCase().padStart(width, '0');

export function pciModalias(id: PciIds): string {
  return `pci:v${hex(id.vendor, 8)}d${hex(id.device, 8)}sv${hex(id.subsystemVendor, 8)}sd${hex(id.subsystem, 8)}bc${hex(id.classCode, 2)}sc${hex(id.subclass, 2)}i${hex(id.progIf, 2)}`;
}
