// The two depths of an imported file's summary (src/summaries.ts, `SummaryNeed`): a file that
// cannot block is settled from its text when only blocking matters (whether an importer concerns
// weft at all), and parsed for the shapes of its classes when a file weft compiles needs them
// (overrides, implementations). Real files on disk, read as the plugin reads them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as babel from "@babel/core";
import { summaryWith, type BabelHost } from "../src/summaries.js";

const summaryOf = (file: string, blocking: ReadonlySet<string>, need: "blocking" | "shapes") => summaryWith(babel as unknown as BabelHost, file, blocking, need);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "weft-summary-need-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const none = new Set<string>();

it("settles a class file that cannot block from its text for `blocking`, and parses it for `shapes`", () => {
  const file = join(dir, "base.ts");
  writeFileSync(file, `export class Task {\n  step(i: number): number {\n    return i;\n  }\n}\nexport const VERSION = 1;\n`);
  const blockingOnly = summaryOf(file, none, "blocking");
  expect([...blockingOnly.keys()].sort()).toEqual(["Task", "VERSION"]);
  const shapes = summaryOf(file, none, "shapes");
  expect(shapes.get("Task#step")).toEqual(expect.objectContaining({ blocks: false }));
  // Once the shapes are known they answer `blocking` too (no second settling from text).
  expect(summaryOf(file, none, "blocking")).toBe(shapes);
});

it("parses a file that may block whatever is asked", () => {
  const file = join(dir, "io.ts");
  writeFileSync(file, `import { sleep } from "@weft/runtime";\nexport class Io {\n  wait(): void {\n    sleep(1);\n  }\n}\n`);
  expect(summaryOf(file, none, "blocking").get("Io#wait")).toEqual(expect.objectContaining({ blocks: true }));
});
