/**
 * What the type checker adds to the facts of one file: the type of a receiver, a parameter or an
 * argument as a core `TypeRef`, wherever TypeScript knows it (annotations, inference, contextual
 * types of callbacks, return types, types that came from other modules).
 *
 * | The checker's type                                   | TypeRef                                          |
 * |------------------------------------------------------|--------------------------------------------------|
 * | a class of `@weft/runtime` (`Socket`, `Queue<T>`)     | `runtime` (its catalogue entries decide)         |
 * | a class declared in this file                        | `local-class` (the core follows `this.m()`, overrides) |
 * | a project class extending a runtime class             | `candidates`: the class, and the runtime classes it extends |
 * | a class declared in another file of the program      | `candidates`: that class, with which of its methods may block (that file's analysis) |
 * | an object literal of another file (`export const api = { fetch() {…} }`) | `candidates`: that object, with which of its properties' functions may block |
 * | an interface, or a union of any of the above          | `candidates`: every class that can be behind it (implementations, members) |
 * | `T \| undefined`, `T \| null`                          | as `T`                                           |
 * | `any`, `unknown`, primitives, functions, library types | no opinion: the syntactic rules decide           |
 *
 * Receiver candidates (@weft/core facts.ts `Candidate`) are the explicit input the checker's
 * knowledge reaches the core as: for each class or object that can be behind the value, what the
 * core needs to decide whether its method blocks — for a class or object of another file, which
 * of its methods may block, read from that file's analysis; for a class of this file, its name
 * (the core follows its methods and overrides itself, in its fixed point); for an object literal
 * of this file, its properties' functions; for a runtime class, its name. The core makes a call
 * through candidates a runtime check (`callDynamic`), since which of them is behind the value is
 * decided at run time; the method that blocks makes its caller a coroutine, which Babel (no
 * types) cannot see when the method's name is a common one (`get`, `read`, `handle`).
 *
 * A call the syntax cannot resolve (`const load = api.load; load()`) is resolved by its signature
 * (`calleeOf`): a function of this file, or one of another file with whether it may block.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type * as TS from "typescript";
import type { Candidate, FunctionId, TypeRef } from "@weft/core";
import { isRuntimeClass } from "@weft/core";
import { localClassName } from "./collect-syntax.js";

/** The id the facts give a function of this file (collect-syntax.ts `fnIdOf`). */
export type LocalFunctionId = (node: TS.Node) => FunctionId | undefined;

export interface CheckerTypes {
  /** The checker's type of an expression, or undefined where it has no opinion. */
  typeOfExpression(e: TS.Expression, sf: TS.SourceFile, localFunction: LocalFunctionId): TypeRef | undefined;
  typeOfParameter(p: TS.ParameterDeclaration, sf: TS.SourceFile, localFunction: LocalFunctionId): TypeRef | undefined;
  /**
   * The project function a call calls, by its resolved signature: one of this file, or one of
   * another file with whether it may block (that file's analysis).
   */
  calleeOf(
    call: TS.CallExpression | TS.NewExpression | TS.TaggedTemplateExpression,
    sf: TS.SourceFile,
  ): { local: TS.Node } | { function: { name: string; file: string; blocks: boolean } } | undefined;
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

/** A class (or an object literal) that can be behind a receiver, as the checker found it (of any file). */
type Found =
  | { kind: "runtime"; name: string }
  | { kind: "class"; decl: TS.ClassLikeDeclaration; isStatic: boolean }
  | { kind: "object"; decl: TS.ObjectLiteralExpression };

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
const candidatesOfProgram = new WeakMap<TS.Program, Map<TS.Type, Found[] | null>>();
interface ClassType {
  decl: TS.ClassLikeDeclaration;
  type: TS.Type;
  names: Set<TS.__String>;
}
const classTypesOfProgram = new WeakMap<TS.Program, ClassType[]>();
const runtimeTypesOfProgram = new WeakMap<TS.Program, Array<{ name: string; type: TS.Type; names: Set<TS.__String> }>>();

export function buildCheckerTypes(ts: typeof TS, program: TS.Program, sf: TS.SourceFile, host: CheckerHost): CheckerTypes {
  const checker = program.getTypeChecker();

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
  const candidatesOf = (type: TS.Type, seen = new Set<TS.Type>()): Found[] | null => {
    if (seen.has(type)) return [];
    seen.add(type);
    if (type.isUnion()) {
      const out: Found[] = [];
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
      const out: Found[] = [{ kind: "class", ...cls }];
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
      const out: Found[] = [];
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

  /** The names of the properties of a class's instances (or, `isStatic`, of the class itself). */
  const memberNames = (decl: TS.ClassLikeDeclaration, isStatic: boolean): string[] => {
    const s = decl.name !== undefined ? checker.getSymbolAtLocation(decl.name) : checker.getSymbolAtLocation(decl);
    if (s === undefined) return [];
    const type = isStatic ? checker.getTypeOfSymbolAtLocation(s, decl) : checker.getDeclaredTypeOfSymbol(s);
    return checker.getPropertiesOfType(type).map((p) => p.name);
  };

  /** What the core is told of one candidate, asked from this file. */
  const toCandidate = (c: Found, localFunction: LocalFunctionId): Candidate => {
    if (c.kind === "runtime") return c;
    const local = c.decl.getSourceFile() === sf;
    if (c.kind === "class") {
      const name = localClassName(ts, c.decl);
      if (local) return { kind: "local-class", name, ...(c.isStatic ? { static: true as const } : {}) };
      const methods: Record<string, boolean> = {};
      for (const m of memberNames(c.decl, c.isStatic)) if (m !== "__proto__") methods[m] = host.classBlocks(c.decl, m, c.isStatic);
      return { kind: "class", name, file: host.displayName(c.decl.getSourceFile().fileName), ...(c.isStatic ? { static: true as const } : {}), methods };
    }
    const name = ts.isVariableDeclaration(c.decl.parent) && ts.isIdentifier(c.decl.parent.name) ? c.decl.parent.name.text : "<object>";
    if (local) {
      const methods: Record<string, FunctionId> = {};
      for (const [prop, fn] of propertyFunctions(c.decl)) {
        const id = localFunction(fn);
        if (id !== undefined) methods[prop] = id;
      }
      return { kind: "local-object", name, methods };
    }
    const methods: Record<string, boolean> = {};
    for (const [prop, fn] of propertyFunctions(c.decl)) methods[prop] = host.functionBlocks(fn);
    return { kind: "object", name, file: host.displayName(c.decl.getSourceFile().fileName), methods };
  };

  /** The TypeRef of each type this file asked about, once (another file's analysis is read then). */
  const asked = new Map<TS.Type, TypeRef | undefined>();
  const typeRefOf = (type: TS.Type, localFunction: LocalFunctionId): TypeRef | undefined => {
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    if (asked.has(type)) return asked.get(type);
    let candidates = cache.get(type);
    if (candidates === undefined) cache.set(type, (candidates = candidatesOf(type)));
    const ref = candidates === null || candidates.length === 0 ? undefined : typeRefOfCandidates(type, candidates, localFunction);
    asked.set(type, ref);
    return ref;
  };

  const typeRefOfCandidates = (type: TS.Type, candidates: Found[], localFunction: LocalFunctionId): TypeRef => {
    const first = candidates[0]!;
    const single = candidates.every((c) =>
      c.kind === "runtime" ? first.kind === "runtime" && c.name === first.name : c.kind === "class" ? first.kind === "class" && c.decl === first.decl && c.isStatic === first.isStatic : c === first,
    );
    if (single && first.kind === "runtime") return { kind: "runtime", name: first.name };
    if (single && first.kind === "class" && first.decl.getSourceFile() === sf) {
      return { kind: "local-class", name: localClassName(ts, first.decl), ...(first.isStatic ? { static: true as const } : {}) };
    }
    // How diagnostics name the type: a class (with the runtime classes it extends) by its name
    // and file, a bound object literal by its binding; an interface or a union where it is
    // declared and how TypeScript prints it.
    const subclass = first.kind === "class" && candidates.slice(1).every((c) => c.kind === "runtime");
    const declared = (single || subclass) && first.kind !== "runtime" ? first.decl.getSourceFile() : (type.getSymbol()?.declarations?.[0]?.getSourceFile() ?? sf);
    const name =
      (single || subclass) && first.kind === "class"
        ? `${first.isStatic ? "typeof " : ""}${localClassName(ts, first.decl)}`
        : single && first.kind === "object" && ts.isVariableDeclaration(first.decl.parent) && ts.isIdentifier(first.decl.parent.name)
          ? first.decl.parent.name.text
          : checker.typeToString(type);
    const unique: Found[] = [];
    for (const c of candidates) {
      if (!unique.some((u) => (u.kind === "runtime" ? c.kind === "runtime" && c.name === u.name : c.kind !== "runtime" && c.decl === u.decl && (c.kind !== "class" || u.kind !== "class" || c.isStatic === u.isStatic)))) unique.push(c);
    }
    return { kind: "candidates", name, file: host.displayName(declared.fileName), candidates: unique.map((c) => toCandidate(c, localFunction)) };
  };

  /** The functions an object literal's properties hold (methods, functions, arrows), by name. */
  const propertyFunctions = (obj: TS.ObjectLiteralExpression): Array<[string, TS.Node]> => {
    const out: Array<[string, TS.Node]> = [];
    for (const p of obj.properties) {
      // `__proto__: …` sets the prototype, no property.
      if (p.name === undefined || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) || p.name.text === "__proto__") continue;
      if (ts.isMethodDeclaration(p)) out.push([p.name.text, p]);
      else if (ts.isPropertyAssignment(p) && (ts.isFunctionExpression(p.initializer) || ts.isArrowFunction(p.initializer))) out.push([p.name.text, p.initializer]);
    }
    return out;
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
      return { function: { name: functionName(decl), file: host.displayName(file.fileName), blocks: host.functionBlocks(decl) } };
    },
    typeOfExpression(e, _sf, localFunction) {
      // The checker has no useful type for a bare `super`, and an expression whose type is a
      // primitive or a function (a literal, an arrow, arithmetic) or an object literal not bound
      // to a name has no candidates: answered without asking it.
      if (e.kind === ts.SyntaxKind.SuperKeyword || hasNoClassType(e)) return undefined;
      try {
        return typeRefOf(checker.getTypeAtLocation(e), localFunction);
      } catch {
        return undefined; // a node the checker cannot type (synthesized): the syntactic rules decide
      }
    },
    typeOfParameter(p, _sf, localFunction) {
      try {
        return typeRefOf(checker.getTypeAtLocation(p.name), localFunction);
      } catch {
        return undefined;
      }
    },
  };
}

export function displayName(fileName: string): string {
  return relative(process.cwd(), fileName) || fileName;
}
