/**
 * JSDoc types, read from comment text into the same neutral type syntax TypeScript annotations
 * give (`syntax-facts.ts`), for JavaScript users: `@param {Queue} q`, `@type {Socket[]}`,
 * `@returns {Map<string, Event>}`, `@typedef {Object} Conn` with `@property {Socket} sock`.
 *
 * Names are left unbound (`binding` absent): the resolver looks them up where the comment is.
 *
 * Grammar (the closure-compiler subset people write):
 *   union   := postfix ("|" postfix)*
 *   postfix := prefix ("[]")*
 *   prefix  := ("?" | "!" | "...")? primary ("=")?
 *   primary := "(" union ")" | "{" (name ":" union ","?)* "}" | "typeof"? import | function | name ("." name)* (".<" | "<") union ("," union)* ">"
 *   function := "function" "(" (union ("," union)*)? ")" (":" union)?             (closure's `function(number): void`)
 *   import  := "import" "(" string ")" ("." name)* ("<" union ("," union)* ">")?     (TypeScript's JSDoc: `import("@weft/runtime").Greenlet`)
 */
import type { TypeMember, TypeSyntax } from "./syntax-facts.js";

const OTHER: TypeSyntax = { kind: "other" };

/** The type in braces after `@tag`, and the word after it (a parameter's name), for each occurrence of the tag. */
export function jsdocTags(comment: string, tag: string): Array<{ type: string; name: string | undefined }> {
  const out: Array<{ type: string; name: string | undefined }> = [];
  const re = new RegExp(`@${tag}\\s*\\{`, "g");
  for (let m = re.exec(comment); m !== null; m = re.exec(comment)) {
    const start = m.index + m[0].length;
    let depth = 1;
    let i = start;
    for (; i < comment.length && depth > 0; i++) {
      if (comment[i] === "{") depth++;
      else if (comment[i] === "}") depth--;
    }
    if (depth !== 0) break;
    const type = comment.slice(start, i - 1);
    const rest = /^\s*\[?\s*([A-Za-z_$][\w$]*)/.exec(comment.slice(i));
    out.push({ type, name: rest?.[1] });
    re.lastIndex = i;
  }
  return out;
}

export function parseJsdocType(text: string): TypeSyntax {
  const tokens = text.match(/"[^"]*"|'[^']*'|\.\.\.|\.<|[A-Za-z_$][\w$]*|\[\]|[<>(){}|,:?!=.*]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (t: string) => (tokens[i] === t ? (i++, true) : false);

  const union = (): TypeSyntax => {
    const types = [postfix()];
    while (take("|")) types.push(postfix());
    return types.length === 1 ? types[0]! : { kind: "union", types };
  };
  const postfix = (): TypeSyntax => {
    let t = prefix();
    while (take("[]")) t = { kind: "array", element: t };
    return t;
  };
  const prefix = (): TypeSyntax => {
    take("?") || take("!") || take("...");
    const t = primary();
    take("=");
    return t;
  };
  const primary = (): TypeSyntax => {
    const tok = peek();
    if (tok === undefined) return OTHER;
    if (take("(")) {
      const t = union();
      take(")");
      return t;
    }
    if (take("{")) {
      const members: TypeMember[] = [];
      while (peek() !== undefined && peek() !== "}") {
        const name = tokens[i++]!;
        if (!take(":")) break;
        members.push({ name, type: union() });
        take(",");
      }
      take("}");
      return { kind: "object", members };
    }
    if (tok === "function" && tokens[i + 1] === "(") return functionType();
    if ((tok === "import" && tokens[i + 1] === "(") || (tok === "typeof" && tokens[i + 1] === "import" && tokens[i + 2] === "(")) return importType();
    if (!/^[A-Za-z_$]/.test(tok)) {
      i++;
      return OTHER;
    }
    i++;
    const member = memberPath();
    const args = typeArgs();
    if (tok === "Array" && member.length === 0 && args.length === 1) return { kind: "array", element: args[0]! };
    return member.length > 0 ? { kind: "ref", name: tok, member, args } : { kind: "ref", name: tok, args };
  };
  /** `.Socket.Kind` after a name: the member names. */
  const memberPath = (): string[] => {
    const member: string[] = [];
    while (peek() === "." && /^[A-Za-z_$]/.test(tokens[i + 1] ?? "")) {
      i++;
      member.push(tokens[i++]!);
    }
    return member;
  };
  /** `<A, B>` (or closure's `.<A, B>`) after a name: the type arguments. */
  const typeArgs = (): TypeSyntax[] => {
    const args: TypeSyntax[] = [];
    if (take("<") || take(".<")) {
      do args.push(union());
      while (take(","));
      take(">");
    }
    return args;
  };
  const functionType = (): TypeSyntax => {
    i += 2; // `function (`
    const params: TypeSyntax[] = [];
    while (peek() !== undefined && peek() !== ")") {
      params.push(union());
      if (!take(",")) break;
    }
    take(")");
    const returns = take(":") ? union() : ({ kind: "other" } as const);
    return { kind: "function", params, returns };
  };
  const importType = (): TypeSyntax => {
    const typeOf = take("typeof");
    i += 2; // `import (`
    const spec = tokens[i++] ?? "";
    take(")");
    if (!/^["']/.test(spec)) return OTHER;
    const member = memberPath();
    const args = typeArgs();
    return { kind: "import", source: spec.slice(1, -1), ...(member.length > 0 ? { member } : {}), args, ...(typeOf ? { typeOf: true as const } : {}) };
  };
  return union();
}

/** `@typedef` comments: each defined name and its type (`@typedef {Object} X` with `@property` lines is an object type). */
export function parseTypedefs(comments: readonly string[]): Map<string, TypeSyntax> {
  const out = new Map<string, TypeSyntax>();
  for (const c of comments) {
    for (const def of jsdocTags(c, "typedef")) {
      if (def.name === undefined) continue;
      const type = parseJsdocType(def.type);
      const isObject = type.kind === "ref" && (type.name === "Object" || type.name === "object") && type.args.length === 0;
      if (!isObject) {
        out.set(def.name, type);
        continue;
      }
      const members = [...jsdocTags(c, "property"), ...jsdocTags(c, "prop")].flatMap((p) => (p.name === undefined ? [] : [{ name: p.name, type: parseJsdocType(p.type) }]));
      out.set(def.name, { kind: "object", members });
    }
  }
  return out;
}

/**
 * The project files JSDoc types in these block comments name (`@param {import("./source.js").Source} s`):
 * relative specifiers, each once, in order. Adapters load their summaries as for imports, so that
 * a JavaScript file typed by JSDoc alone sees the types' methods.
 */
export function jsdocImportSpecifiers(comments: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const c of comments) {
    if (!c.includes("import(")) continue;
    for (const m of c.matchAll(/\{[^{}]*?\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) out.add(m[1]!);
  }
  return [...out];
}
