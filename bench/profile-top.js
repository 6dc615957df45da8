/**
 * Prints the functions with the most self time in a V8 CPU profile: where a benchmark spends
 * its time, for whoever optimises the hub.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/weft-prof bench/switch.js
 *   node bench/profile-top.js /tmp/weft-prof [30]
 *
 * Takes the newest .cpuprofile in the directory (or the file given).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const [target, limitArg] = process.argv.slice(2);
if (target === undefined) {
  console.error("usage: node bench/profile-top.js <dir or .cpuprofile> [how many]");
  process.exit(2);
}
let file = target;
if (statSync(target).isDirectory()) {
  const profiles = readdirSync(target)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => join(target, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (profiles.length === 0) throw new Error(`No .cpuprofile in \`${target}\`.`);
  file = profiles[0];
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const frame = nodes.get(profile.samples[i]).callFrame;
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const where = frame.url === "" ? "" : ` ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}`;
  const key = `${frame.functionName || "(anonymous)"}${where}`;
  self.set(key, (self.get(key) ?? 0) + dt);
}
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled; self time by function`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(limitArg ?? 25))) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
}
