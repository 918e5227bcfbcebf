#!/usr/bin/env node
// The CLI is one bundled file (scripts/bundle.mjs): it starts in a fraction of the time.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('../dist/rustos.cjs').main(process.argv.slice(2));
