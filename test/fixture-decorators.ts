// Which decorators a fixture case is written with, for the harnesses that compile the corpus
// (test/fixtures.test.ts, test/syntax-facts.test.ts, packages/tsc/test/differential.test.ts), as
// `weft run` decides it (packages/cli/src/decorator-syntax.ts): a case's `tsconfig.json` with
// `compilerOptions.experimentalDecorators: true` is written with TypeScript's legacy decorators;
// a case whose sources have a decorator (`@name` or `@(` starting a line or a parameter) without
// one, with the standard ones (the 2023-11 proposal); any other case has none.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type FixtureDecorators = "2023-11" | "legacy" | undefined;

const decoratorLike = /^\s*(?:export\s+(?:default\s+)?)?@[A-Za-z_$(]|[(,]\s*@[A-Za-z_$]/m;

export function fixtureDecorators(dir: string, files: readonly string[]): FixtureDecorators {
  const tsconfig = join(dir, "tsconfig.json");
  if (existsSync(tsconfig)) {
    const config = JSON.parse(readFileSync(tsconfig, "utf8")) as { compilerOptions?: { experimentalDecorators?: boolean } };
    if (config.compilerOptions?.experimentalDecorators === true) return "legacy";
  }
  return files.some((f) => decoratorLike.test(readFileSync(join(dir, f), "utf8"))) ? "2023-11" : undefined;
}
