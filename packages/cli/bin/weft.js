#!/usr/bin/env node
// The `weft` command. Everything is in src/main.ts; this file only sets the exit status.
import { main } from "../dist/main.js";

process.exitCode = await main(process.argv.slice(2));
