/**
 * A client's object map. Ids 1..0xfeffffff are the client's to allocate (new_id
 * arguments of its requests); 0xff000000 and up are the server's (none of the
 * core interfaces served here create one, but the range is kept apart).
 */
export const SERVER_ID_START = 0xff000000;

export const isClientId = (id: number) => id >= 1 && id < SERVER_ID_START;

export class ObjectMap<T> {
  private readonly objects = new Map<number, T>();
  private nextServerId = SERVER_ID_START;

  get(id: number): T | undefined { return this.objects.get(id); }

  /** Why a client's new id can't be used (undefined when it can). */
  checkNew(id: number): string | undefined {
    if (!isClientId(id)) return `new id ${id} is outside the client's range`;
    if (this.objects.has(id)) return `new id ${id} is already in use`;
    return undefined;
  }

  insert(id: number, obj: T): void { this.objects.set(id, obj); }

  /** A fresh id in the server's range. */
  allocServer(obj: T): number {
    const id = this.nextServerId++;
    this.objects.set(id, obj);
    return id;
  }

  delete(id: number): boolean { return this.objects.delete(id); }

  values(): IterableIterator<T> { return this.objects.values(); }
}
