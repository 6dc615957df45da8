// `npm run demo`: what weft's runtime does, in two programs from the tutorial.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const programs = [
  ["greenlet's explicit switching", "greenlet-switch.js"],
  ["gevent's spawn / sleep / joinAll, then 10 000 sleepers", "sleepers.js"],
];
let failed = 0;
for (const [title, file] of programs) {
  console.log(`\n== ${title} (examples/${file})`);
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
