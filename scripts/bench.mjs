// npm run bench: build, then run every benchmark in bench/ in one go, each
// printing its table (measured side by side, ratios against references where one
// exists). BENCH_ONLY=name,name picks some. Record results in docs/BENCHMARKS.md.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, ROOT, run } from './lib.mjs';

build();
const dir = join(ROOT, 'bench', 'dist');
const only = process.env.BENCH_ONLY?.split(',');
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .filter((f) => !only || only.includes(f.replace(/\.js$/, '')));
let failed = 0;
for (const b of benches) {
  console.log(`\n## ${b.replace(/\.js$/, '')}`);
  if (run(process.execPath, [join(dir, b)]) !== 0) failed++;
}
process.exit(failed ? 1 : 0);
