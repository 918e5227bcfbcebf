#!/usr/bin/env node
// The CLI is one bundled file (scripts/bundle.mjs): it starts in a fraction of the time.
// `rustos up --detach` starts the system's launcher (local-home has no gRPC in it)
// and shows the boot the launcher reports, without loading the rest of the CLI.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const home = argv[0] === 'up' ? require('../dist/local-home.cjs') : undefined;
const early = home?.startEarly(argv);
// The launcher reports the boot over IPC: this process need not load the rest (gRPC) at all.
if (early) home.followDetached(early, argv.includes('--quiet')).then((code) => { process.exitCode = code; });
else require('../dist/rustos.cjs').main(argv);
