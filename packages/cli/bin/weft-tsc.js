#!/usr/bin/env node
// The `weft-tsc` command. Everything is in src/weft-tsc.ts; this file only sets the exit status.
import { processIo } from "../dist/io.js";
import { weftTsc } from "../dist/weft-tsc.js";

process.exitCode = await weftTsc(process.argv.slice(2), processIo());
