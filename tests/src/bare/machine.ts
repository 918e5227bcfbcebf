/**
 * Binds the bare-machine tests to the nucleus: each engine makes a fresh Machine (a
 * CPU over a new address space) per program run. This is the only file that knows
 * the concrete CPU and mm types.
 */
import type { Machine } from './ports.js';

export interface Engine {
  name: string;
  create(): Machine;
}

/** Why there is no engine yet; empty once the CPU and mm are on main. */
export const unavailable = 'the nucleus CPU (machine/cpu/) and address spaces (mm/) are not on main yet';

export const engines: Engine[] = [];
