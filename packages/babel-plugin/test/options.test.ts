// The Babel plugin's options (core's adapter-options.ts): a wrong option fails the build with
// WEFT2001 naming it, what was expected and what came; the right ones are taken.
import { transformSync } from "@babel/core";
import weft from "@weft/babel-plugin";

const code = `import { sleep } from "@weft/runtime";\nexport function nap() { sleep(1); }\n`;
const compile = (options: unknown) => transformSync(code, { filename: "nap.js", babelrc: false, configFile: false, plugins: [[weft, options]] });

describe("@weft/babel-plugin options", () => {
  it.each([
    [{ blocking: "f" }, /@weft\/babel-plugin: WEFT2001: Expected `blocking` to be an array of function names, got `"f"`/],
    [{ module: "amd" }, /WEFT2001: Expected `module` to be "auto", "esm" or "cjs", got `"amd"`/],
    [{ colour: true }, /WEFT2001: Unknown option `colour`; the options are `blocking`, `module`/],
    [{ onExplain: "yes" }, /WEFT2001: Expected `onExplain` to be a function, got `string`/],
  ])("refuses %j", (options, message) => {
    expect(() => compile(options)).toThrow(message);
  });

  it("takes blocking, module and the callbacks", () => {
    const explained: string[] = [];
    const out = compile({ blocking: ["other"], module: "esm", onExplain: (_file: string, entries: Array<{ name: string }>) => explained.push(...entries.map((e) => e.name)) });
    expect(out?.code).toContain("nap[_co] = function* nap()");
    expect(explained).toEqual(["nap"]);
  });
});
