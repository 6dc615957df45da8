// `npm run demo`: the tutorial's programs, written in synchronous style and run by `weft run`,
// which compiles them on the fly.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const weft = fileURLToPath(new URL("../packages/cli/bin/weft.js", import.meta.url));
const programs = [
  ["greenlet's explicit switching", "greenlet-switch.js"],
  ["gevent's spawn / sleep / joinAll, then 10 000 sleepers", "sleepers.ts"],
];
let failed = 0;
for (const [title, file] of programs) {
  console.log(`\n== ${title}: weft run examples/${file}`);
  const r = spawnSync(process.execPath, [weft, "run", fileURLToPath(new URL(file, import.meta.url))], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
