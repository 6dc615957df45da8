// The dependency rules between the packages (the root README's "Layout": the runtime imports no
// other package, the core only the runtime's catalogue, each adapter only the core and its
// compiler, the CLI anything), checked on every import in every package, and the public surface
// of each package, snapshotted so an added export is a visible diff.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { parse } from "@babel/parser";

const root = join(__dirname, "..");
const packagesDir = join(root, "packages");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every module a source file imports: parsed, so strings and comments that mention one don't count. */
function importsOf(file: string): string[] {
  const ast = parse(readFileSync(file, "utf8"), { sourceType: "module", plugins: ["typescript"], errorRecovery: true });
  const specs = new Set<string>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as { type?: string; source?: { value?: unknown }; callee?: { type?: string; name?: string }; arguments?: Array<{ type?: string; value?: unknown }> };
    if ((n.type === "ImportDeclaration" || n.type === "ExportNamedDeclaration" || n.type === "ExportAllDeclaration") && typeof n.source?.value === "string") {
      specs.add(n.source.value);
    }
    if (n.type === "CallExpression" || n.type === "ImportExpression") {
      const isRequire = n.callee?.type === "Identifier" && n.callee.name === "require";
      const isImport = n.type === "ImportExpression" || n.callee?.type === "Import";
      const first = n.type === "ImportExpression" ? (n.source as { type?: string; value?: unknown } | undefined) : n.arguments?.[0];
      if ((isRequire || isImport) && first?.type === "StringLiteral" && typeof first.value === "string") specs.add(first.value);
    }
    for (const [k, v] of Object.entries(n)) if (k !== "loc" && k !== "start" && k !== "end") visit(v);
  };
  visit(ast.program);
  return [...specs];
}

const isBuiltin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0]!);
const isRelative = (spec: string) => spec.startsWith(".");

/** For each package: may it import this (non-relative, non-builtin) specifier? */
const rules: Record<string, (spec: string) => boolean> = {
  runtime: () => false,
  core: (spec) => spec === "@weft/runtime/catalogue",
  "babel-plugin": (spec) => spec === "@weft/core" || spec.startsWith("@babel/"),
  tsc: (spec) => spec === "@weft/core" || spec === "typescript",
  unplugin: (spec) => spec === "@weft/core" || spec === "oxc-parser" || spec === "magic-string" || spec === "unplugin",
  cli: () => true,
};

/** The rule above, in words, for the test names. */
const ruleText: Record<string, string> = {
  runtime: "no other package, only Node's built-ins",
  core: "only @weft/runtime/catalogue besides Node's built-ins",
  "babel-plugin": "only @weft/core and @babel/* besides Node's built-ins",
  tsc: "only @weft/core and typescript besides Node's built-ins",
  unplugin: "only @weft/core, oxc-parser, magic-string and unplugin besides Node's built-ins",
  cli: "any package",
};

describe("dependency rules", () => {
  it("knows every package", () => {
    expect(readdirSync(packagesDir).sort()).toEqual(Object.keys(rules).sort());
  });

  for (const [pkg, allowed] of Object.entries(rules)) {
    it(`lets ${pkg} import ${ruleText[pkg]}`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(packagesDir, pkg, "src"))) {
        for (const spec of importsOf(file)) {
          if (isRelative(spec) || isBuiltin(spec) || allowed(spec)) continue;
          violations.push(`${relative(root, file)} imports ${spec}`);
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it("keeps the core free of Babel and TypeScript and the runtime free of the compiler", () => {
    const bad: string[] = [];
    for (const pkg of ["core", "runtime"]) {
      for (const file of sourceFiles(join(packagesDir, pkg, "src"))) {
        for (const spec of importsOf(file)) {
          if (/^(@babel\/|typescript$|@weft\/(core|babel-plugin|tsc|cli))/.test(spec)) bad.push(`${file}: ${spec}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("declares in package.json every workspace package a package imports", () => {
    const missing: string[] = [];
    for (const pkg of Object.keys(rules)) {
      const manifest = JSON.parse(readFileSync(join(packagesDir, pkg, "package.json"), "utf8"));
      const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
      for (const file of sourceFiles(join(packagesDir, pkg, "src"))) {
        for (const spec of importsOf(file)) {
          const m = /^(@weft\/[^/]+)/.exec(spec);
          if (m && !deps.includes(m[1]!)) missing.push(`${pkg} imports ${m[1]} without declaring it`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("detects a forbidden import (the check itself can fail)", () => {
    expect(rules["runtime"]!("@weft/core")).toBe(false);
    expect(rules["core"]!("@babel/core")).toBe(false);
    expect(importsOf(__filename)).toContain("node:fs");
    expect(importsOf(__filename)).not.toContain("@babel/core"); // named only in a comment and a string
  });
});

describe("public surfaces", () => {
  const entries: Array<[string, string]> = [
    ["@weft/runtime", "../packages/runtime/src/index.ts"],
    ["@weft/runtime/protocol", "../packages/runtime/src/protocol-api.ts"],
    ["@weft/runtime/catalogue", "../packages/runtime/src/catalogue.ts"],
    ["@weft/runtime/testing", "../packages/runtime/src/testing.ts"],
    ["@weft/runtime/net", "../packages/runtime/src/net/index.ts"],
    ["@weft/runtime/subprocess", "../packages/runtime/src/subprocess/index.ts"],
    ["@weft/runtime/patch", "../packages/runtime/src/patch/index.ts"],
    ["@weft/runtime/http", "../packages/runtime/src/http.ts"],
    ["@weft/core", "../packages/core/src/index.ts"],
    ["@weft/babel-plugin", "../packages/babel-plugin/src/index.ts"],
    ["@weft/tsc", "../packages/tsc/src/index.ts"],
    ["@weft/tsc/ts-patch", "../packages/tsc/src/ts-patch.ts"],
    ["@weft/tsc/ts-jest", "../packages/tsc/src/ts-jest.ts"],
    ["@weft/tsc/language-service", "../packages/tsc/src/language-service.ts"],
    ["@weft/cli", "../packages/cli/src/index.ts"],
  ];
  for (const [name, path] of entries) {
    it(`lists the exports of ${name}`, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path) as Record<string, unknown>;
      expect(Object.keys(mod).filter((k) => k !== "__esModule").sort()).toMatchSnapshot();
    });
  }

  it("blocks deep imports through each package's exports map", () => {
    for (const pkg of Object.keys(rules)) {
      const manifest = JSON.parse(readFileSync(join(packagesDir, pkg, "package.json"), "utf8"));
      expect(Object.keys(manifest.exports).every((k) => !k.includes("*"))).toBe(true);
    }
  });
});
