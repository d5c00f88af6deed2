#!/usr/bin/env node
// The `salon` command runs the compiled CLI; `npm start` and `npm test` build it first.
import '../dist/cli/main.js';
