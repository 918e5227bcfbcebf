#!/usr/bin/env node
// The CLI is one bundled file (scripts/bundle.mjs): it starts in a fraction of the time.
// `rustos up --detach` starts the system's launcher first (local-home has no gRPC in
// it) and loads the rest of the CLI while the system boots.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const early = argv[0] === 'up' ? require('../dist/local-home.cjs').startEarly(argv) : undefined;
require('../dist/rustos.cjs').main(argv, early);
