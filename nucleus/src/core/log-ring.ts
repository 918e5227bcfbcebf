/**
 * The last lines each service logged, forwarded over its control stream, so
 * `rustos logs` works the same against a local system and a compose one; the
 * nucleus's own lines come through stream().
 */
const LINES_PER_SERVICE = 2000;

export interface LogEntry {
  service: string;
  line: string;
}

export class LogRing {
  private readonly rings = new Map<string, string[]>();
  private readonly followers = new Set<(e: LogEntry) => void>();

  append(service: string, lines: string[]): void {
    const ring = this.rings.get(service) ?? [];
    this.rings.set(service, ring);
    ring.push(...lines);
    if (ring.length > LINES_PER_SERVICE) ring.splice(0, ring.length - LINES_PER_SERVICE);
    for (const f of this.followers) for (const line of lines) f({ service, line });
  }

  /** A pino destination whose lines are `service`'s. */
  stream(service: string): { write(line: string): void } {
    return { write: (line) => this.append(service, [line.trimEnd()]) };
  }

  tail(service: string, n: number): string[] {
    const pick = (s: string) => (this.rings.get(s) ?? []).slice(-n);
    if (service) return pick(service);
    // All services: interleave by the pino `time` field.
    const all = [...this.rings.keys()].flatMap(pick);
    const time = (l: string) => Number(/"time":(\d+)/.exec(l)?.[1] ?? 0);
    return all.sort((a, b) => time(a) - time(b)).slice(-n);
  }

  /** Has `service` logged anything? */
  has(service: string): boolean {
    return this.rings.has(service);
  }

  follow(fn: (e: LogEntry) => void): () => void {
    this.followers.add(fn);
    return () => this.followers.delete(fn);
  }
}
