/**
 * A client's object map. Ids 1..0xfeffffff are the client's to allocate (new_id
 * arguments of its requests); 0xff000000 and up are the server's, and a client
 * naming one as a new id is a protocol error (none of the interfaces served
 * here make server-side objects, so nothing allocates from that range yet).
 */
export const SERVER_ID_START = 0xff000000;

export const isClientId = (id: number) => id >= 1 && id < SERVER_ID_START;

export class ObjectMap<T> {
  private readonly objects = new Map<number, T>();

  get(id: number): T | undefined { return this.objects.get(id); }

  /** Why a client's new id can't be used (undefined when it can). */
  checkNew(id: number): string | undefined {
    if (!isClientId(id)) return `new id ${id} is outside the client's range`;
    if (this.objects.has(id)) return `new id ${id} is already in use`;
    return undefined;
  }

  insert(id: number, obj: T): void { this.objects.set(id, obj); }

  delete(id: number): boolean { return this.objects.delete(id); }

  values(): IterableIterator<T> { return this.objects.values(); }
}
