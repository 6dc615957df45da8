/**
 * Types in a module's summary: what an importer needs to type the values it gets from another
 * file without a type checker (the Babel plugin, the tsc transformer in transpile-only mode).
 * A summary entry (summarize-module.ts) may carry
 *
 * | Field     | On the entry of                      | Says                                             |
 * |-----------|--------------------------------------|--------------------------------------------------|
 * | `returns` | a function (`openSession`), a method (`Session#next`) | the type of what calling it returns  |
 * | `value`   | a field (`Box#q`), an exported value (`export const pool = …`) | the type of the value     |
 *
 * in this small JSON-friendly language:
 *
 * | `SummaryType`                      | Means                                                   |
 * |------------------------------------|---------------------------------------------------------|
 * | `{ kind: "runtime", name, args? }` | an instance of a runtime class (`Greenlet<string>`)     |
 * | `{ kind: "class", name }`          | an instance of a class whose members are this same summary's `name#member` entries (an exported class, or a class the module returns without exporting it, or one it imports: its entries are copied in) |
 * | `array`, `tuple`, `map`, `set`, `object`, `union` | the shapes values travel through (value-types.ts) |
 * | `{ kind: "none" }`                 | a primitive, `null`, `undefined`                       |
 *
 * A type that mentions no class (a `string`, an unknown type) is left out of the entry. The exporter writes a type with
 * `toSummaryType` (its classes become `class` types); the importer reads one with
 * `fromSummaryType`, where `class` becomes an instance of a class of the module it imported
 * (`import-class` with the specifier it wrote), so `s.next()` is looked up as `Session#next` in
 * that module's summary.
 */
import type { SummaryEntry } from "./summarize-module.js";
import { union, type ValueType } from "./value-types.js";

export type SummaryType =
  | { kind: "runtime"; name: string; args?: SummaryType[] }
  | { kind: "class"; name: string }
  | { kind: "array"; element: SummaryType }
  | { kind: "tuple"; elements: SummaryType[] }
  | { kind: "map"; key: SummaryType; value: SummaryType }
  | { kind: "set"; element: SummaryType }
  | { kind: "object"; props: Record<string, SummaryType> }
  | { kind: "union"; types: SummaryType[] }
  | { kind: "none" }
  | { kind: "unknown" };

const UNKNOWN: SummaryType = { kind: "unknown" };

/**
 * The summary type of a value type of the exporting module. `className` names the summary class
 * of a class instance (`local-class`, `import-class`), or undefined when the summary cannot
 * describe it; it records what the summary must then hold (the class's entries).
 */
export function toSummaryType(t: ValueType, className: (t: Extract<ValueType, { kind: "local-class" | "import-class" }>) => string | undefined, depth = 0): SummaryType {
  if (depth > 6) return UNKNOWN;
  const to = (x: ValueType) => toSummaryType(x, className, depth + 1);
  switch (t.kind) {
    case "runtime":
      return t.args !== undefined && t.args.length > 0 ? { kind: "runtime", name: t.name, args: t.args.map(to) } : { kind: "runtime", name: t.name };
    case "local-class":
    case "import-class": {
      if (t.static === true) return UNKNOWN;
      const name = className(t);
      return name === undefined ? UNKNOWN : { kind: "class", name };
    }
    case "array":
      return { kind: "array", element: to(t.element) };
    case "tuple":
      return { kind: "tuple", elements: t.elements.map(to) };
    case "map":
      return { kind: "map", key: to(t.key), value: to(t.value) };
    case "set":
      return { kind: "set", element: to(t.element) };
    case "object":
      return { kind: "object", props: Object.fromEntries([...t.props].map(([k, v]) => [k, to(v)])) };
    case "union":
      return { kind: "union", types: t.types.map(to) };
    case "none":
      return { kind: "none" };
    default:
      return UNKNOWN;
  }
}

/**
 * Whether a summary type can type a receiver: it mentions a runtime class or a class (an entry
 * leaves the others out: an importer learns nothing from `string` or from an unknown type).
 */
export function isUsefulSummaryType(t: SummaryType | undefined, depth = 0): t is SummaryType {
  if (t === undefined || depth > 6) return false;
  if (t.kind === "runtime" || t.kind === "class") return true;
  return summaryTypeParts(t).some((x) => isUsefulSummaryType(x, depth + 1));
}

/** The summary types `t` is made of: an array's or set's element, a tuple's elements, a map's key and value, an object's properties, a union's members, a runtime class's type arguments. */
export function summaryTypeParts(t: SummaryType): readonly SummaryType[] {
  switch (t.kind) {
    case "array":
    case "set":
      return [t.element];
    case "tuple":
      return t.elements;
    case "map":
      return [t.key, t.value];
    case "object":
      return Object.values(t.props);
    case "union":
      return t.types;
    case "runtime":
      return t.args ?? [];
    default:
      return [];
  }
}

/** The value type, in the importing module, of a summary type read from the module `source` names. */
export function fromSummaryType(t: SummaryType | undefined, source: string, depth = 0): ValueType {
  if (t === undefined || depth > 6) return { kind: "unknown" };
  const from = (x: SummaryType) => fromSummaryType(x, source, depth + 1);
  switch (t.kind) {
    case "runtime":
      return t.args !== undefined ? { kind: "runtime", name: t.name, args: t.args.map(from) } : { kind: "runtime", name: t.name };
    case "class":
      return { kind: "import-class", source, name: t.name };
    case "array":
      return { kind: "array", element: from(t.element) };
    case "tuple":
      return { kind: "tuple", elements: t.elements.map(from) };
    case "map":
      return { kind: "map", key: from(t.key), value: from(t.value) };
    case "set":
      return { kind: "set", element: from(t.element) };
    case "object":
      return { kind: "object", props: new Map(Object.entries(t.props).map(([k, v]) => [k, from(v)])) };
    case "union":
      return union(t.types.map(from));
    case "none":
      return { kind: "none" };
    default:
      return { kind: "unknown" };
  }
}

/** Whether a summary type mentions a runtime class, or a class of the summary with a method that blocks. */
function mentionsBlocking(t: SummaryType | undefined, summary: ReadonlyMap<string, SummaryEntry>, depth = 0): boolean {
  if (t === undefined || depth > 6) return false;
  if (t.kind === "runtime") return true;
  if (t.kind === "class") {
    for (const [k, e] of summary) if (k.startsWith(`${t.name}#`) && e.blocks) return true;
    return false;
  }
  return summaryTypeParts(t).some((x) => mentionsBlocking(x, summary, depth + 1));
}

/**
 * Whether importing `name` (`null`: the whole namespace) from a module with this summary can give
 * the importer something that blocks: an export or a member of an exported class that blocks, a
 * function that returns one that blocks (`returnsBlocking`), or a value whose type mentions a runtime class or a class with a blocking method (`openSession()`
 * returns a `Session`). The adapters leave a file alone when none of its imports can (a function
 * that calls what it is given blocks only with a coroutine the importer has from elsewhere).
 */
export function importMayBlock(summary: ReadonlyMap<string, SummaryEntry>, name: string | null): boolean {
  for (const [exported, entry] of summary) {
    if (name !== null && exported !== name && !exported.startsWith(`${name}#`) && !exported.startsWith(`${name}.`)) continue;
    if (entry.blocks || entry.returnsBlocking === true) return true;
    if (mentionsBlocking(entry.returns, summary) || mentionsBlocking(entry.value, summary)) return true;
  }
  return false;
}

/** What a module imports, as an adapter reads it: each static `import` with the names it takes. */
export interface ImportedNames {
  source: string;
  /** `default`, a named export, or `null` for a namespace (`* as ns`). */
  names: Array<string | null>;
}

/**
 * Whether a module imports something that a summary says may block: a name of a static `import`
 * (`importMayBlock`), anything of a module it imports with `import()`, or a project type with a
 * blocking method that a JSDoc `import("…")` names. The adapters' test for a file worth
 * compiling, once their summaries are read (`summaries` are keyed by the specifier as written).
 */
export function importsBlockingName(imports: readonly ImportedNames[], dynamicSpecifiers: readonly string[], jsdocSpecifiers: readonly string[], summaries: ReadonlyMap<string, ReadonlyMap<string, SummaryEntry>>): boolean {
  for (const spec of dynamicSpecifiers) {
    const summary = summaries.get(spec);
    if (summary !== undefined && importMayBlock(summary, null)) return true;
  }
  for (const spec of jsdocSpecifiers) for (const entry of summaries.get(spec)?.values() ?? []) if (entry.blocks) return true;
  for (const imp of imports) {
    const summary = summaries.get(imp.source);
    if (summary === undefined) continue;
    for (const name of imp.names) if (importMayBlock(summary, name)) return true;
  }
  return false;
}
