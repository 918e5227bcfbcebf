/**
 * Assembles test programs with the host's nasm (BITS 64, ORG CODE_BASE).
 * Results are cached per source text in the OS temp directory.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function hasNasm(): boolean {
  return spawnSync("nasm", ["-v"]).status === 0;
}

export function assemble(source: string, org: number): Uint8Array {
  const text = `BITS 64\nORG 0x${org.toString(16)}\n${source}\n`;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 20);
  const bin = join(tmpdir(), `rustos-nasm-${hash}.bin`);
  if (!existsSync(bin)) {
    const src = join(tmpdir(), `rustos-nasm-${hash}.asm`);
    writeFileSync(src, text);
    const r = spawnSync("nasm", ["-f", "bin", "-o", bin, src], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`nasm failed: ${r.stderr}`);
  }
  return new Uint8Array(readFileSync(bin));
}
