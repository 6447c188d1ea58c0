#!/usr/bin/env node
// Thin shim: the CLI lives in the compiled library.
import "../dist/src/cli/main.js";
