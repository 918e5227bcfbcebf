/**
 * Form -> handler registry. Handler modules register against the form keys of
 * the decoder tables ("ADD Ev,Gv"); the block builder asks for the handler of
 * each decoded instruction. A form without a handler executes as #UD, and so
 * does LOCK where the form does not allow it (the decoder already marks those
 * encodings invalid).
 *
 * A registration is either a handler or a selector that picks a specialised
 * handler from the decoded instruction (operand size, register vs memory), so
 * the per-instruction work is done once at decode time.
 */
import { raise, Vector } from "../../fault.js";
import { INVALID_FORM, formByName, forms, type Form } from "../decode/forms.js";
import { TOO_LONG_FORM } from "../decode/decoder.js";
import type { Handler, Insn } from "../decode/insn.js";

export type Selector = (i: Insn) => Handler;

export interface HandlerOptions {
  /** The instruction may change rip or stop the run: it ends a basic block. */
  readonly ends?: boolean;
}

const selectors: (Selector | null)[] = [];
const ends: boolean[] = [];

export const undefinedOpcode: Handler = () => raise(Vector.UD);
const tooLong: Handler = () => raise(Vector.GP, 0);

function formForKey(key: string): Form {
  const f = formByName(key);
  if (!f) throw new Error(`no decoder form "${key}"`);
  return f;
}

export function register(key: string, h: Handler, opts?: HandlerOptions): void {
  registerSelector(key, () => h, opts);
}

export function registerSelector(key: string, select: Selector, opts?: HandlerOptions): void {
  const f = formForKey(key);
  if (selectors[f.id]) throw new Error(`form "${key}" registered twice`);
  selectors[f.id] = select;
  ends[f.id] = opts?.ends === true;
}

/** Registers one handler for several forms. */
export function registerAll(keys: readonly string[], h: Handler, opts?: HandlerOptions): void {
  for (const k of keys) register(k, h, opts);
}

export function isImplemented(form: Form): boolean {
  return form.id >= 0 && selectors[form.id] != null;
}

/** The handler for a decoded instruction. */
export function handlerFor(i: Insn): Handler {
  if (i.form === TOO_LONG_FORM.id) return tooLong;
  const sel = selectors[i.form];
  if (sel == null || i.form === INVALID_FORM.id) return undefinedOpcode;
  return sel(i);
}

/** Does this instruction end a basic block? Invalid and unimplemented forms do (they fault). */
export function endsBlock(i: Insn): boolean {
  if (i.form < 0 || selectors[i.form] == null) return true;
  return ends[i.form];
}

export function allForms(): readonly Form[] {
  return forms;
}
