// Prints the oxc collector's syntax facts (packages/unplugin/dist/collect-syntax.js, the BUILT
// package: oxc-parser is ESM-only, so jest, which runs CommonJS, drives it through this script).
// Reads a JSON array of { file, source } on stdin; writes a JSON array with, for each, either
// { facts } or { error } (the message of what threw).
import { readFileSync } from "node:fs";
import { collectSyntax } from "../dist/collect-syntax.js";
import { parseModule } from "../dist/parse.js";

const inputs = JSON.parse(readFileSync(0, "utf8"));
const out = inputs.map(({ file, source }) => {
  try {
    return { facts: collectSyntax(parseModule(file, source), file).syntax };
  } catch (e) {
    return { error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
  }
});
process.stdout.write(JSON.stringify(out));
