/**
 * The host CPU's vendor, for the tests that use the host as their oracle.
 * Our CPU is an Intel model: where the manuals leave a result undefined or
 * implementation-specific (flags after MUL/DIV, which NaN a multi-NaN operation
 * returns, RCP/RSQRT tables, tiny transcendental results), it does what Intel
 * CPUs do, so only an Intel host is its bit-exact reference. On any other host
 * the tests compare what the manuals define and leave out the rest, each
 * relaxation next to the comparison it loosens.
 */
import { readFileSync } from "node:fs";

function readVendor(): string {
  try {
    return /^vendor_id\s*:\s*(\S+)/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** CPUID vendor string of the host, e.g. "GenuineIntel", "AuthenticAMD"; "unknown" without /proc/cpuinfo. */
export const HOST_VENDOR = readVendor();

/** Whether the host reproduces our model's implementation-specific results bit for bit. */
export const INTEL_HOST = HOST_VENDOR === "GenuineIntel";
