// npm start: install what is missing, build, and boot the system locally
// (every service a separate process); arguments pass through to `rustos up`.
import { join } from 'node:path';
import { build, ROOT, run } from './lib.mjs';

build();
process.exit(run(process.execPath, [join(ROOT, 'cli', 'bin', 'rustos.js'), 'up', ...process.argv.slice(2)]));
