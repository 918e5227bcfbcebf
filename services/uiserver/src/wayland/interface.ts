/** How protocol.ts describes an interface (the shape of the protocol XML's <interface>). */
export type ArgType = 'int' | 'uint' | 'fixed' | 'string' | 'object' | 'new_id' | 'array' | 'fd';
export interface Arg { readonly name: string; readonly type: ArgType; readonly interface?: string; readonly nullable?: boolean }
export interface Message { readonly name: string; readonly since: number; readonly destructor?: boolean; readonly args: readonly Arg[] }
export interface Interface {
  readonly name: string;
  readonly version: number;
  readonly requests: readonly Message[];
  readonly events: readonly Message[];
  /** Only the enums the server uses (error codes, seat capabilities, button states). */
  readonly enums: Readonly<Record<string, Readonly<Record<string, number>>>>;
}
