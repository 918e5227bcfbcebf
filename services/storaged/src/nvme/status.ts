/**
 * NVMe 1.4 completion status (4.6.1.2): the status code type and code as a
 * name a log reader recognises.
 */
const GENERIC: Record<number, string> = {
  0x00: 'Successful Completion', 0x01: 'Invalid Command Opcode', 0x02: 'Invalid Field in Command', 0x03: 'Command ID Conflict',
  0x04: 'Data Transfer Error', 0x05: 'Commands Aborted due to Power Loss', 0x06: 'Internal Error', 0x07: 'Command Abort Requested',
  0x0b: 'Invalid Namespace or Format', 0x80: 'LBA Out of Range', 0x81: 'Capacity Exceeded', 0x82: 'Namespace Not Ready',
};
const COMMAND_SPECIFIC: Record<number, string> = { 0x00: 'Completion Queue Invalid', 0x01: 'Invalid Queue Identifier', 0x02: 'Invalid Queue Size', 0x0c: 'Invalid Queue Deletion' };
const MEDIA: Record<number, string> = { 0x80: 'Write Fault', 0x81: 'Unrecovered Read Error', 0x86: 'Access Denied' };

export function describeStatus(status: number): string {
  const sct = (status >> 8) & 7, sc = status & 0xff;
  const table = sct === 0 ? GENERIC : sct === 1 ? COMMAND_SPECIFIC : sct === 2 ? MEDIA : {};
  return `SCT ${sct} SC 0x${sc.toString(16).padStart(2, '0')} (${table[sc] ?? 'unknown'})`;
}

export class NvmeCommandError extends Error {
  constructor(readonly command: string, readonly status: number, detail: string) {
    super(`nvme: ${command} failed: ${detail}`);
  }
}
