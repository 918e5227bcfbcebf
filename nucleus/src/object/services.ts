/**
 * Service objects: one per live process that enrolled, named by its manifest name
 * and a generation that grows with every enrollment of that name. The control
 * stream is the object's lifeline; when it breaks, the generation is over.
 */
import { monoMs } from '../core/clock.js';
import type { Directive } from '@rustos/platform/gen/rustos/v1/Directive.js';

export type ServiceState = 'ENROLLED' | 'ADMITTED' | 'READY' | 'EXITED';

export interface ServiceObject {
  name: string;
  generation: number;
  state: ServiceState;
  pid: number;
  host: string;
  endpoint: string;
  since: number;
  exitReason: string;
  /** Set when the exit was asked for (restart, shutdown): rootd does not count it against the budget. */
  expectedExit: string;
  send(d: Directive): void;
}

export class ServiceTable {
  private readonly generations = new Map<string, number>();
  private readonly current = new Map<string, ServiceObject>();

  enroll(name: string, pid: number, host: string, endpoint: string, send: (d: Directive) => void): ServiceObject {
    const generation = (this.generations.get(name) ?? 0) + 1;
    this.generations.set(name, generation);
    const obj: ServiceObject = { name, generation, state: 'ENROLLED', pid, host, endpoint, since: monoMs(), exitReason: '', expectedExit: '', send };
    this.current.set(name, obj);
    return obj;
  }

  setState(obj: ServiceObject, state: ServiceState, reason = ''): void {
    obj.state = state;
    obj.since = monoMs();
    if (state === 'EXITED') obj.exitReason = reason;
  }

  /** The newest generation of `name`, live or exited. */
  get(name: string): ServiceObject | undefined {
    return this.current.get(name);
  }

  live(name: string): ServiceObject | undefined {
    const s = this.current.get(name);
    return s && s.state !== 'EXITED' ? s : undefined;
  }

  all(): ServiceObject[] {
    return [...this.current.values()];
  }

  broadcast(d: Directive, except?: string): void {
    for (const s of this.current.values()) if (s.state !== 'EXITED' && s.name !== except) s.send(d);
  }
}
