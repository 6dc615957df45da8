/**
 * `importNamed(t, program, name, source)`: the local name under which the module has `name` of
 * `source`, added as `import { name as _name } from "source"`. The plugin needs nothing else of
 * Babel than what the host's own `@babel/core` hands it (its `types`), so a Babel 8 build loads no
 * second copy of Babel 7 (as `@babel/helper-module-imports` would pull in).
 *
 * Where the declaration goes, so that outputs read as before:
 * - into the module's first value import (not `import type`) when it is from the same source and
 *   not a namespace import: the specifier is appended (`import { co as _co, coroutine as
 *   _coroutine } from "@weft/runtime/protocol"`);
 * - otherwise a new declaration at the top, marked `_blockHoist = 3` as Babel's own helpers are,
 *   so that Babel's statement hoisting keeps it ahead of the statements the plugin hoists, and
 *   placed before the first statement already so marked.
 */
import type { NodePath } from "@babel/traverse";
import type * as BabelTypes from "@babel/types";

type Hoistable = BabelTypes.Statement & { _blockHoist?: number };

export function importNamed(t: typeof BabelTypes, program: NodePath<BabelTypes.Program>, name: string, source: string): BabelTypes.Identifier {
  const local = program.scope.generateUidIdentifier(name);
  const specifier = t.importSpecifier(local, t.identifier(name));
  const body = program.node.body;
  const isValueImport = (s: BabelTypes.Statement): s is BabelTypes.ImportDeclaration =>
    s.type === "ImportDeclaration" && s.importKind !== "type" && s.importKind !== "typeof";
  const first = body.find(isValueImport);
  if (first !== undefined && first.source.value === source && !first.specifiers.some((s) => s.type === "ImportNamespaceSpecifier")) {
    first.specifiers.push(specifier);
    return t.cloneNode(local);
  }
  const decl: Hoistable = t.importDeclaration([specifier], t.stringLiteral(source));
  decl._blockHoist = 3;
  const before = program.get("body").find((p) => {
    const hoist = (p.node as Hoistable)._blockHoist;
    return Number.isFinite(hoist) && hoist! < 4;
  });
  if (before !== undefined) before.insertBefore(decl);
  else program.unshiftContainer("body", decl);
  return t.cloneNode(local);
}
