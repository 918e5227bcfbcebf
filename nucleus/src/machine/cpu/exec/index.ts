/**
 * Loads every handler module (each registers its forms on import). Import this
 * before decoding anything that should execute.
 */
import "./alu.js";
import "./mov.js";
import "./muldiv.js";
import "./shift.js";
import "./bits.js";
import "./flow.js";
import "./string.js";
import "./system.js";
import "./fxsave.js";
import "./sse/index.js";
import "./x87-load-store.js";
import "./x87-arith.js";
import "./x87-register.js";
import "./x87-control.js";

export { register, registerSelector, registerAll, isImplemented, handlerFor } from "./registry.js";
export { refreshCpuidFeatures } from "./cpuid.js";
