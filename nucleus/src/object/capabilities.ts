/**
 * Capability handles: unguessable tokens naming one right held by one generation of
 * one service. The root capability (held by rootd, the root task) authorises every
 * right. A service's handles die with its generation.
 */
import { randomBytes, createHash } from 'node:crypto';

export interface Capability {
  handle: string;
  right: string;
  holder: string;
  generation: number;
}

export const ROOT_RIGHT = 'root';

export class CapabilityTable {
  private readonly byHandle = new Map<string, Capability>();

  issue(holder: string, generation: number, right: string): Capability {
    const cap = { handle: `cap_${randomBytes(16).toString('base64url')}`, right, holder, generation };
    this.byHandle.set(cap.handle, cap);
    return cap;
  }

  get(handle: string): Capability | undefined {
    return this.byHandle.get(handle);
  }

  /** The capability if `handle` grants `right` (exactly, or as the root capability). */
  authorize(handle: string, right: string): Capability | undefined {
    const cap = this.byHandle.get(handle);
    return cap && (cap.right === right || cap.right === ROOT_RIGHT) ? cap : undefined;
  }

  /** Revoke every handle of `holder` (the generation ended). Returns the handles revoked. */
  revokeHolder(holder: string): string[] {
    const gone: string[] = [];
    for (const [handle, cap] of this.byHandle) {
      if (cap.holder === holder) {
        this.byHandle.delete(handle);
        gone.push(handle);
      }
    }
    return gone;
  }

  revoke(handles: string[]): string[] {
    return handles.filter((h) => this.byHandle.delete(h));
  }

  /** Short fingerprints of a holder's handles, safe to show. */
  fingerprintsOf(holder: string): string[] {
    return [...this.byHandle.values()].filter((c) => c.holder === holder)
      .map((c) => createHash('sha256').update(c.handle).digest('hex').slice(0, 12)).sort();
  }

  rightsOf(holder: string): string[] {
    return [...this.byHandle.values()].filter((c) => c.holder === holder).map((c) => c.right).sort();
  }
}
