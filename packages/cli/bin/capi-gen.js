#!/usr/bin/env node
// The capi-gen command. All code is bundled into ../dist by scripts/build.mjs.
import '../dist/capi-gen.js';
