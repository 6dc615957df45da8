// The plugin in a user's Babel config beside `@babel/plugin-proposal-decorators`, in either order
// and in both versions a project uses (`2023-11`, `legacy`): the plugin reads the decorators
// before they are lowered (it works in `Program`, before any class is visited), so a decorated
// member that may block fails the build with WEFT3004, and decorators on code that does not
// block are lowered as without weft (core validate-decorators.ts).
import { transformSync, type PluginItem } from "@babel/core";
import decorators from "@babel/plugin-proposal-decorators";
import weft from "@weft/babel-plugin";
import { runInNewContext } from "node:vm";

const versions = [
  { version: "2023-11", logged: `function logged(method, context) { return function (...args) { log.push(String(context.name)); return method.apply(this, args); }; }` },
  { version: "legacy", logged: `function logged(_t, key, d) { const m = d.value; d.value = function (...args) { log.push(key); return m.apply(this, args); }; }` },
] as const;
const orders = [
  ["weft first", (v: string) => [weft, [decorators, { version: v }]] as PluginItem[]],
  ["decorators first", (v: string) => [[decorators, { version: v }], weft] as PluginItem[]],
] as const;

const compile = (code: string, plugins: PluginItem[]) => transformSync(code, { filename: "main.js", babelrc: false, configFile: false, sourceType: "module", plugins });

describe.each(versions)("@weft/babel-plugin with @babel/plugin-proposal-decorators $version", ({ version, logged }) => {
  it.each(orders)("rejects a decorated method that may block (%s)", (_order, plugins) => {
    const code = `import { sleep } from "@weft/runtime";\n${logged}\nclass Api {\n  @logged fetch() { sleep(1); }\n}\n`;
    expect(() => compile(code, plugins(version))).toThrow(/WEFT3004: `Api#fetch` may block, but it is decorated with `@logged`/);
  });

  it.each(orders)("lowers decorators on code that does not block as without weft (%s)", (_order, plugins) => {
    // A file that concerns weft (it imports the runtime) and has no coroutine: left as Babel emits it.
    const code = `import "@weft/runtime";\n${logged}\nclass Api {\n  @logged fetch() { return 1; }\n}\nlog.push(new Api().fetch());\n`;
    const withWeft = compile(code, plugins(version))!.code!;
    expect(withWeft).toBe(compile(code, [[decorators, { version }]])!.code);
    const log: unknown[] = [];
    runInNewContext(withWeft.replace(/^import .*$/m, ""), { log });
    expect(log).toEqual(["fetch", 1]);
  });
});

describe("@weft/babel-plugin with parameter decorators", () => {
  it.each(orders)("rejects them (WEFT3006) even in a file that does not use the runtime, which the legacy transform would drop (%s)", (_order, plugins) => {
    const code = `function inject(token) { return () => {}; }\nclass Service {\n  constructor(@inject("db") public db) {}\n}\n`;
    const typescript = { filename: "main.ts", babelrc: false, configFile: false, sourceType: "module" as const, presets: ["@babel/preset-typescript"] };
    expect(() => transformSync(code, { ...typescript, plugins: plugins("legacy") })).toThrow(/WEFT3006: Parameter 1 of `Service#constructor` is decorated with `@inject\(…\)`/);
    // Without weft, Babel drops the decorator of a parameter property without a word (and leaves
    // another's in its output, which does not parse).
    expect(transformSync(code, { ...typescript, plugins: [[decorators, { version: "legacy" }]] })!.code).not.toContain(`inject("db")`);
  });
});
