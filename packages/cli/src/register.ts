/**
 * The module `weft run` passes to `node --import` (usable directly too:
 * `node --import @weft/cli/register app.ts`): installs the ES module hooks (loader.ts, on Node's
 * hooks thread) and the CommonJS hooks (require-hook.ts, on this thread) before the program's
 * entry point loads.
 */
import { createRequire, register } from "node:module";
import { exitOnUncaughtCompileError } from "./compile-error.js";
import type * as Compile from "./compile.js";
import { watchParent } from "./parent-watch.js";
import { installRequireHook } from "./require-hook.js";

// `weft run` passes --enable-source-maps too; this covers `node --import @weft/cli/register` alone.
process.setSourceMapsEnabled(true);
register("./loader.js", import.meta.url);
exitOnUncaughtCompileError();
watchParent();
// `require` of an ES module without top-level await is synchronous on Node >= 20.19.
const require = createRequire(import.meta.url);
installRequireHook(() => (require("./compile.js") as typeof Compile).compileFile);
