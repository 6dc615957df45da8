/**
 * What the type checker adds to the facts of one file: the type of a receiver, a parameter or an
 * argument as a core `TypeRef`, wherever TypeScript knows it (annotations, inference, contextual
 * types of callbacks, return types, types that came from other modules).
 *
 * | The checker's type                                   | TypeRef                                          |
 * |------------------------------------------------------|--------------------------------------------------|
 * | a class of `@weft/runtime` (`Socket`, `Queue<T>`)     | `runtime` (its catalogue entries decide)         |
 * | a class declared in this file                        | `local-class` (the core follows `this.m()`, overrides) |
 * | a project class extending a runtime class             | a receiver module: its own methods and the runtime's |
 * | a class declared in another file of the program      | a *receiver module*: `import-class` whose summary says which methods block |
 * | an object literal of another file (`export const api = { fetch() {…} }`) | a receiver module whose method blocks when that property's function may block |
 * | an interface, or a union of any of the above          | a receiver module whose method blocks when the method of any class that can be behind it (implementations, members) may block |
 * | `T \| undefined`, `T \| null`                          | as `T`                                           |
 * | `any`, `unknown`, primitives, functions, library types | no opinion: the syntactic rules decide           |
 *
 * Receiver modules are summaries keyed by a source that is no import specifier (the declaring
 * file's path), added to the summaries the core sees. A call through one is a runtime check
 * (`callDynamic`), since which class is behind the value is decided at run time; the method that
 * blocks makes its caller a coroutine, which Babel (no types) cannot see when the method's name is
 * a common one (`get`, `read`, `handle`).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type * as TS from "typescript";
import type { ModuleSummaries, SummaryEntry, TypeRef } from "@weft/core";
import { isRuntimeClass, runtimeMethod } from "@weft/core";
import { localClassName } from "./collect-syntax.js";

export interface CheckerTypes {
  /** The checker's type of an expression, or undefined where it has no opinion. */
  typeOfExpression(e: TS.Expression, sf: TS.SourceFile): TypeRef | undefined;
  typeOfParameter(p: TS.ParameterDeclaration, sf: TS.SourceFile): TypeRef | undefined;
  /**
   * The receiver modules this file's types minted. `localBlocks` says whether a method of a class
   * of this file blocks (unknown before the file's first analysis: then false).
   */
  receiverSummaries(localBlocks: LocalBlocks): ModuleSummaries;
  /** Whether a receiver module depends on this file's own classes (the analysis must iterate). */
  dependsOnLocalClasses(): boolean;
  /**
   * The project function a call calls, by its resolved signature: one of this file, or one of
   * another file as a receiver module holding it (entry `<name>#call`).
   */
  calleeOf(call: TS.CallExpression | TS.NewExpression | TS.TaggedTemplateExpression, sf: TS.SourceFile): { local: TS.Node } | { receiver: TypeRef; name: string } | undefined;
}

/** Whether a method of a class, or a function, of this file blocks (from its analysis so far). */
export interface LocalBlocks {
  method(cls: TS.ClassLikeDeclaration, method: string, isStatic: boolean): boolean;
  fn(node: TS.Node): boolean;
}

export interface CheckerHost {
  /** Whether a file is compiled by weft (not a declaration file, not a library, not the runtime). */
  isProjectFile(sf: TS.SourceFile): boolean;
  /** Whether method `method` of a class of another project file may block (its file's analysis). */
  classBlocks(cls: TS.ClassLikeDeclaration, method: string, isStatic: boolean): boolean;
  /** Whether a function of another project file may block. */
  functionBlocks(fn: TS.Node): boolean;
  /** The name diagnostics show for a file. */
  displayName(fileName: string): string;
}

/** A class (or an object literal) that can be behind a receiver. */
type Candidate =
  | { kind: "runtime"; name: string }
  | { kind: "class"; decl: TS.ClassLikeDeclaration; isStatic: boolean }
  | { kind: "object"; decl: TS.ObjectLiteralExpression };

interface ReceiverModule {
  source: string;
  name: string;
  type: TS.Type;
  candidates: Candidate[];
}

const packageNameCache = new Map<string, string | undefined>();

/** The `name` of the package.json nearest above `file`. */
function packageNameOf(file: string): string | undefined {
  const dir = dirname(file);
  if (packageNameCache.has(dir)) return packageNameCache.get(dir);
  let name: string | undefined;
  const manifest = join(dir, "package.json");
  if (existsSync(manifest)) {
    try {
      name = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name;
    } catch {
      name = undefined;
    }
  } else if (dirname(dir) !== dir) {
    name = packageNameOf(dir);
  }
  packageNameCache.set(dir, name);
  return name;
}

export function isRuntimeFile(fileName: string): boolean {
  return packageNameOf(fileName) === "@weft/runtime";
}

/** Every class declared in the project's files (for the implementations of an interface). */
const classesOfProgram = new WeakMap<TS.Program, TS.ClassLikeDeclaration[]>();
const candidatesOfProgram = new WeakMap<TS.Program, Map<TS.Type, Candidate[] | null>>();
interface ClassType {
  decl: TS.ClassLikeDeclaration;
  type: TS.Type;
  names: Set<TS.__String>;
}
const classTypesOfProgram = new WeakMap<TS.Program, ClassType[]>();
const runtimeTypesOfProgram = new WeakMap<TS.Program, Array<{ name: string; type: TS.Type; names: Set<TS.__String> }>>();

export function buildCheckerTypes(ts: typeof TS, program: TS.Program, sf: TS.SourceFile, host: CheckerHost): CheckerTypes {
  const checker = program.getTypeChecker();
  const modules = new Map<string, ReceiverModule>();
  let local = false;

  const projectClasses = (): TS.ClassLikeDeclaration[] => {
    let out = classesOfProgram.get(program);
    if (out !== undefined) return out;
    out = [];
    const list = out;
    for (const file of program.getSourceFiles()) {
      if (!host.isProjectFile(file)) continue;
      const visit = (n: TS.Node): void => {
        if (ts.isClassLike(n)) list.push(n);
        ts.forEachChild(n, visit);
      };
      visit(file);
    }
    classesOfProgram.set(program, out);
    return out;
  };

  const propertyNames = (type: TS.Type): Set<TS.__String> => new Set(checker.getPropertiesOfType(type).map((p) => p.escapedName));

  /** The instance types of the project's classes, with their property names (once per Program). */
  const projectClassTypes = (): ClassType[] => {
    let out = classTypesOfProgram.get(program);
    if (out !== undefined) return out;
    out = [];
    for (const decl of projectClasses()) {
      const s = decl.name !== undefined ? checker.getSymbolAtLocation(decl.name) : checker.getSymbolAtLocation(decl);
      const type = s !== undefined ? checker.getDeclaredTypeOfSymbol(s) : undefined;
      if (type !== undefined) out.push({ decl, type, names: propertyNames(type) });
    }
    classTypesOfProgram.set(program, out);
    return out;
  };

  /** The runtime classes a value of an interface type may be: those assignable to it (once per Program). */
  const runtimeClassTypes = (): Array<{ name: string; type: TS.Type; names: Set<TS.__String> }> => {
    let cache = runtimeTypesOfProgram.get(program);
    if (cache !== undefined) return cache;
    cache = [];
    for (const file of program.getSourceFiles()) {
      if (!isRuntimeFile(file.fileName)) continue;
      for (const s of file.statements) {
        if (ts.isClassDeclaration(s) && s.name !== undefined && isRuntimeClass(s.name.text)) {
          const sym = checker.getSymbolAtLocation(s.name);
          if (sym !== undefined) {
            const type = checker.getDeclaredTypeOfSymbol(sym);
            cache.push({ name: s.name.text, type, names: propertyNames(type) });
          }
        }
      }
    }
    runtimeTypesOfProgram.set(program, cache);
    return cache;
  };

  const classDeclOf = (type: TS.Type): { decl: TS.ClassLikeDeclaration; isStatic: boolean } | undefined => {
    const sym = type.getSymbol();
    if (sym === undefined || (sym.flags & ts.SymbolFlags.Class) === 0) return undefined;
    const decl = sym.declarations?.find((d): d is TS.ClassLikeDeclaration => ts.isClassLike(d));
    if (decl === undefined) return undefined;
    return { decl, isStatic: type.getConstructSignatures().length > 0 };
  };

  /** The runtime classes a class type extends, at any depth. */
  const runtimeBases = (type: TS.Type, seen = new Set<TS.Type>()): string[] => {
    const target = (type as TS.TypeReference).target ?? type;
    if (seen.has(target) || !(target.flags & ts.TypeFlags.Object) || !((target as TS.ObjectType).objectFlags & ts.ObjectFlags.ClassOrInterface)) return [];
    seen.add(target);
    return checker.getBaseTypes(target as TS.InterfaceType).flatMap((base) => {
      const decl = base.getSymbol()?.declarations?.find((d) => ts.isClassLike(d));
      if (decl !== undefined && isRuntimeFile(decl.getSourceFile().fileName) && (decl as TS.ClassLikeDeclaration).name !== undefined) {
        const name = (decl as TS.ClassLikeDeclaration).name!.text;
        if (isRuntimeClass(name)) return [name];
      }
      return runtimeBases(base, seen);
    });
  };

  /** What can be behind a value of `type`: classes, or null when something else can. */
  const candidatesOf = (type: TS.Type, seen = new Set<TS.Type>()): Candidate[] | null => {
    if (seen.has(type)) return [];
    seen.add(type);
    if (type.isUnion()) {
      const out: Candidate[] = [];
      for (const t of type.types) {
        if (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) continue;
        const c = candidatesOf(t, seen);
        if (c === null) return null;
        out.push(...c);
      }
      return out;
    }
    const cls = classDeclOf(type);
    if (cls !== undefined) {
      const file = cls.decl.getSourceFile();
      if (isRuntimeFile(file.fileName)) return cls.isStatic || cls.decl.name === undefined || !isRuntimeClass(cls.decl.name.text) ? null : [{ kind: "runtime", name: cls.decl.name.text }];
      if (!host.isProjectFile(file)) return null;
      // A project class that extends a runtime class (`class Inbox extends Queue<string>`) has
      // the runtime's methods too.
      const out: Candidate[] = [{ kind: "class", ...cls }];
      const sym = type.getSymbol();
      if (!cls.isStatic && sym !== undefined) for (const name of runtimeBases(checker.getDeclaredTypeOfSymbol(sym))) out.push({ kind: "runtime", name });
      return out;
    }
    const sym = type.getSymbol();
    if (sym !== undefined && (sym.flags & ts.SymbolFlags.ObjectLiteral) !== 0) {
      // Objects bound to a name (`const api = {…}`), not every literal passed as options.
      const decl = sym.declarations?.find((d): d is TS.ObjectLiteralExpression => ts.isObjectLiteralExpression(d) && ts.isVariableDeclaration(d.parent));
      return decl !== undefined && host.isProjectFile(decl.getSourceFile()) ? [{ kind: "object", decl }] : null;
    }
    // Interfaces of the project only: a library's (`Console`, `Array`, `Map`) is left to the
    // syntactic rules, which know the built-ins.
    const declaredInProject = sym?.declarations?.some((d) => host.isProjectFile(d.getSourceFile())) === true;
    if (sym !== undefined && (sym.flags & ts.SymbolFlags.Interface) !== 0 && declaredInProject) {
      // A class lacking one of the interface's required properties is not assignable to it: that
      // name test is cheap, and spares most of the checker's assignability tests.
      const required = checker.getPropertiesOfType(type).filter((p) => (p.flags & ts.SymbolFlags.Optional) === 0).map((p) => p.escapedName);
      const mayBe = (names: ReadonlySet<TS.__String>) => required.every((n) => names.has(n));
      const out: Candidate[] = [];
      for (const c of projectClassTypes()) {
        if (mayBe(c.names) && checker.isTypeAssignableTo(c.type, type)) out.push({ kind: "class", decl: c.decl, isStatic: false });
      }
      for (const r of runtimeClassTypes()) if (mayBe(r.names) && checker.isTypeAssignableTo(r.type, type)) out.push({ kind: "runtime", name: r.name });
      return out;
    }
    return null;
  };

  // Which classes can be behind a type does not depend on the file asking: cached per Program.
  let candidateCache = candidatesOfProgram.get(program);
  if (candidateCache === undefined) candidatesOfProgram.set(program, (candidateCache = new Map()));
  const cache = candidateCache;
  const typeRefOf = (type: TS.Type): TypeRef | undefined => {
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    let candidates = cache.get(type);
    if (candidates === undefined) cache.set(type, (candidates = candidatesOf(type)));
    if (candidates === null || candidates.length === 0) return undefined;
    const first = candidates[0]!;
    const single = candidates.every((c) =>
      c.kind === "runtime" ? first.kind === "runtime" && c.name === first.name : c.kind === "class" ? first.kind === "class" && c.decl === first.decl && c.isStatic === first.isStatic : c === first,
    );
    if (single && first.kind === "runtime") return { kind: "runtime", name: first.name };
    if (single && first.kind === "class" && first.decl.getSourceFile() === sf) {
      return { kind: "local-class", name: localClassName(ts, first.decl), ...(first.isStatic ? { static: true as const } : {}) };
    }
    // A receiver module: for a class of another file, its path and name; for an interface or a
    // union, where the type is declared and how TypeScript prints it.
    // A class with the runtime classes it extends goes by the class's name.
    const subclass = first.kind === "class" && candidates.slice(1).every((c) => c.kind === "runtime");
    const declared = (single || subclass) && first.kind !== "runtime" ? first.decl.getSourceFile() : (type.getSymbol()?.declarations?.[0]?.getSourceFile() ?? sf);
    const source = host.displayName(declared.fileName);
    const name =
      (single || subclass) && first.kind === "class"
        ? `${first.isStatic ? "typeof " : ""}${localClassName(ts, first.decl)}`
        : single && first.kind === "object" && ts.isVariableDeclaration(first.decl.parent) && ts.isIdentifier(first.decl.parent.name)
          ? first.decl.parent.name.text
          : checker.typeToString(type);
    const key = `${source}\0${name}`;
    if (!modules.has(key)) modules.set(key, { source, name, type, candidates });
    if (candidates.some((c) => c.kind !== "runtime" && c.decl.getSourceFile() === sf)) local = true;
    return { kind: "import-class", source, name };
  };

  const methodBlocks = (c: Candidate, method: string, localBlocks: LocalBlocks): boolean => {
    if (c.kind === "runtime") {
      const entry = runtimeMethod(c.name, method);
      return entry !== undefined && entry.blocks !== false;
    }
    const local = c.decl.getSourceFile() === sf;
    if (c.kind === "class") return local ? localBlocks.method(c.decl, method, c.isStatic) : host.classBlocks(c.decl, method, c.isStatic);
    const fn = propertyFunction(c.decl, method);
    return fn !== undefined && (local ? localBlocks.fn(fn) : host.functionBlocks(fn));
  };

  /** The function an object literal's property `name` holds: a method, a function or an arrow. */
  const propertyFunction = (obj: TS.ObjectLiteralExpression, name: string): TS.Node | undefined => {
    for (const p of obj.properties) {
      if (p.name === undefined || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) || p.name.text !== name) continue;
      if (ts.isMethodDeclaration(p)) return p;
      if (ts.isPropertyAssignment(p) && (ts.isFunctionExpression(p.initializer) || ts.isArrowFunction(p.initializer))) return p.initializer;
    }
    return undefined;
  };

  /** Expressions whose type the checker would give is never a class, an interface or a bound object literal. */
  const SK = ts.SyntaxKind;
  const hasNoClassType = (e: TS.Expression): boolean => {
    switch (e.kind) {
      case SK.StringLiteral:
      case SK.NumericLiteral:
      case SK.BigIntLiteral:
      case SK.NoSubstitutionTemplateLiteral:
      case SK.TemplateExpression:
      case SK.TrueKeyword:
      case SK.FalseKeyword:
      case SK.NullKeyword:
      case SK.ArrowFunction:
      case SK.FunctionExpression:
      case SK.ObjectLiteralExpression:
      case SK.TypeOfExpression:
      case SK.VoidExpression:
      case SK.DeleteExpression:
      case SK.PrefixUnaryExpression:
      case SK.PostfixUnaryExpression:
        return true;
      case SK.BinaryExpression: {
        // Arithmetic, comparisons, `in`, `instanceof`: numbers, strings, bigints, booleans. Not
        // assignments, `,`, `&&`, `||`, `??`, which give an operand's value.
        const op = (e as TS.BinaryExpression).operatorToken.kind;
        return !(
          (op >= SK.FirstAssignment && op <= SK.LastAssignment) ||
          op === SK.CommaToken || op === SK.AmpersandAmpersandToken || op === SK.BarBarToken || op === SK.QuestionQuestionToken
        );
      }
      default:
        return false;
    }
  };

  /** Functions of other files that calls resolve to, by receiver-module key. */
  const functionModules = new Map<string, { source: string; name: string; decl: TS.Node }>();
  const isFunctionWithBody = (d: TS.Node) =>
    ((ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) && d.body !== undefined) || ts.isFunctionExpression(d) || ts.isArrowFunction(d);
  const functionName = (d: TS.Node): string => {
    const named = d as { name?: TS.Node };
    if (named.name !== undefined && (ts.isIdentifier(named.name) || ts.isStringLiteral(named.name))) return named.name.text;
    const p = d.parent;
    if (p !== undefined && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) && ts.isIdentifier(p.name)) return p.name.text;
    return "<anonymous>";
  };

  return {
    calleeOf(call) {
      if (ts.isNewExpression(call)) return undefined;
      let decl: TS.Node | undefined;
      try {
        decl = checker.getResolvedSignature(call)?.getDeclaration();
      } catch {
        return undefined;
      }
      if (decl === undefined || !isFunctionWithBody(decl)) return undefined;
      const file = decl.getSourceFile();
      if (file === sf) return { local: decl };
      if (!host.isProjectFile(file)) return undefined;
      const source = host.displayName(file.fileName);
      const name = functionName(decl);
      const key = `${source}\0${name}\0${decl.pos}`;
      functionModules.set(key, { source, name, decl });
      return { receiver: { kind: "import-class", source, name }, name: "call" };
    },
    typeOfExpression(e) {
      // The checker has no useful type for a bare `super`, and an expression whose type is a
      // primitive or a function (a literal, an arrow, arithmetic) or an object literal not bound
      // to a name is no receiver module: answered without asking it.
      if (e.kind === ts.SyntaxKind.SuperKeyword || hasNoClassType(e)) return undefined;
      try {
        return typeRefOf(checker.getTypeAtLocation(e));
      } catch {
        return undefined; // a node the checker cannot type (synthesized): the syntactic rules decide
      }
    },
    typeOfParameter(p) {
      try {
        return typeRefOf(checker.getTypeAtLocation(p.name));
      } catch {
        return undefined;
      }
    },
    receiverSummaries(localBlocks) {
      const out = new Map<string, Map<string, SummaryEntry>>();
      for (const m of modules.values()) {
        let entries = out.get(m.source);
        if (entries === undefined) out.set(m.source, (entries = new Map()));
        const apparent = m.type.isUnion() ? m.type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void))) : [m.type];
        const names = new Set(apparent.flatMap((t) => checker.getPropertiesOfType(t).map((p) => p.name)));
        for (const method of names) {
          entries.set(`${m.name}#${method}`, { blocks: m.candidates.some((c) => methodBlocks(c, method, localBlocks)) });
        }
      }
      for (const m of functionModules.values()) {
        let entries = out.get(m.source);
        if (entries === undefined) out.set(m.source, (entries = new Map()));
        if (entries.get(`${m.name}#call`)?.blocks !== true) entries.set(`${m.name}#call`, { blocks: host.functionBlocks(m.decl) });
      }
      return out;
    },
    dependsOnLocalClasses: () => local,
  };
}

export function displayName(fileName: string): string {
  return relative(process.cwd(), fileName) || fileName;
}
