// npm run build: generate contract types, compile every workspace.
import { build } from './lib.mjs';

build();
