// Resolves @weft/unplugin's options with the BUILT package and prints, as JSON, which of the
// given files each option set includes, or the error it throws. Run by options.test.ts (jest
// runs tests as CommonJS and cannot load the ESM-only package itself):
//   node options-driver.mjs '<JSON: { cases: [{ options, files }] }>'
import { resolveOptions } from "../dist/options.js";
import { fileOfId } from "../dist/unplugin.js";

const { cases, ids = [] } = JSON.parse(process.argv[2]);
const revive = (o) => {
  if (o === null || typeof o !== "object") return o;
  if (Array.isArray(o)) return o.map(revive);
  if (typeof o.regexp === "string") return new RegExp(o.regexp);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, revive(v)]));
};
const out = cases.map(({ options, files }) => {
  try {
    const resolved = resolveOptions(revive(options));
    return { included: files.filter((f) => resolved.includes(f)), testRunner: resolved.testRunner ?? null };
  } catch (error) {
    return { error: String(error.message), code: error.code };
  }
});
process.stdout.write(JSON.stringify({ cases: out, ids: ids.map((id) => fileOfId(id) ?? null) }));
