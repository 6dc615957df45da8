// JSDoc's `import("./source.js").Source` types (src/jsdoc-types.ts): read into a reference to
// another module's export, and the specifiers they name, which adapters load summaries for.
import { jsdocImportSpecifiers, parseJsdocType } from "../src/jsdoc-types.js";

describe("JSDoc import types", () => {
  it("read `import(\"…\").Name` as a reference to that module's export, in unions and arrays too", () => {
    expect(parseJsdocType('import("./source.js").Source')).toEqual({ kind: "import", source: "./source.js", member: ["Source"], args: [] });
    expect(parseJsdocType("import('../lib/q.js').Queue[] | null")).toEqual({
      kind: "union",
      types: [
        { kind: "array", element: { kind: "import", source: "../lib/q.js", member: ["Queue"], args: [] } },
        { kind: "ref", name: "null", args: [] },
      ],
    });
  });

  it("list the relative specifiers JSDoc types name in block comments, each once", () => {
    const comments = [
      '* @typedef {import("./source.js").Source} Source ',
      '* @param {import("./source.js").Source} a\n * @param {import("../q.js").Q} b\n * @param {import("pkg").P} c ',
      "* plain prose mentions import(\"./not-a-type.js\") outside braces ",
    ];
    expect(jsdocImportSpecifiers(comments)).toEqual(["./source.js", "../q.js"]);
  });
});
