#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx postroom` works from a checkout without a build step.
require('tsx/cjs');
require('../src/cli/main.ts').main();
