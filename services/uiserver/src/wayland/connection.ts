/**
 * What the Wayland protocol needs from a transport: a guest's stream socket
 * carrying bytes and passed file descriptors (SCM_RIGHTS). The protocol logic
 * depends only on this; vfsd's guest unix sockets are one implementation and
 * the unit tests' in-process pipe another.
 */
export interface PassedFd {
  /** The descriptor's current bytes at [offset, offset + length) (a memfd shared with the guest: read at use). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Its size now (bytes). */
  size(): Promise<number>;
  /** Drop our reference. */
  close(): void;
}

export interface WaylandConnection {
  /** Bytes from the client, with the descriptors that came with them. */
  onData(fn: (bytes: Uint8Array, fds: PassedFd[]) => void): void;
  /** The client hung up (or the transport broke). */
  onClose(fn: (why: string) => void): void;
  send(bytes: Uint8Array, fds: PassedFd[]): void;
  close(): void;
}
