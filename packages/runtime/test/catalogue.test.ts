// The catalogue is what the compiler believes about the runtime: it must match the runtime.
import * as runtime from "@weft/runtime";
import { PATCH_MODULES, catalogue, lookup, lookupPatchable, patchable } from "@weft/runtime/catalogue";
import * as net from "@weft/runtime/net";
import * as subprocess from "@weft/runtime/subprocess";
import * as patch from "@weft/runtime/patch";
import * as http from "@weft/runtime/http";
import { co } from "@weft/runtime/protocol";

type Fn = ((...args: unknown[]) => unknown) & { [co]?: unknown };
/** Each module the catalogue describes, with its exports. */
const modules: Record<string, Record<string, unknown>> = {
  "@weft/runtime": runtime as unknown as Record<string, unknown>,
  "@weft/runtime/net": net as unknown as Record<string, unknown>,
  "@weft/runtime/subprocess": subprocess as unknown as Record<string, unknown>,
  "@weft/runtime/http": http as unknown as Record<string, unknown>,
};
/** The export `name` of the module the entry belongs to. */
const exportOf = (entry: { module: string; name: string }): unknown => modules[entry.module]?.[entry.name];

function drivenMethods(cls: { prototype: object }): string[] {
  const names: string[] = [];
  for (const name of Object.getOwnPropertyNames(cls.prototype)) {
    const d = Object.getOwnPropertyDescriptor(cls.prototype, name);
    if (d && typeof d.value === "function" && typeof (d.value as Fn)[co] === "function") names.push(name);
  }
  return names;
}

describe("the blocking catalogue", () => {
  it("lists only functions and classes the runtime exports, each from its own module", () => {
    const missing = [...catalogue.functions, ...catalogue.classes]
      .filter((e) => exportOf(e) === undefined && e.name !== "runMain")
      .map((e) => `${e.module}: ${e.name}`);
    expect(missing).toEqual([]);
    expect(Object.keys(modules).sort()).toEqual([...new Set(catalogue.functions.map((f) => f.module))].sort());
  });

  it("gives every blocking function a driven face, and no other function one", () => {
    const wrong: string[] = [];
    for (const f of catalogue.functions) {
      const value = (exportOf(f) ?? (f.name === "runMain" ? runtime.runMain : undefined)) as Fn | undefined;
      if (typeof value !== "function") continue;
      const hasFace = typeof value[co] === "function";
      if (hasFace !== (f.blocks !== false)) wrong.push(`${f.name}: blocks=${JSON.stringify(f.blocks)}, driven face=${hasFace}`);
    }
    for (const [module, exports] of Object.entries(modules)) {
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value === "function" && typeof (value as Fn)[co] === "function" && !catalogue.functions.some((f) => f.name === name && f.module === module)) {
          wrong.push(`${module}: ${name} has a driven face but no catalogue entry`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("gives every blocking method a driven face, and lists every driven method as blocking", () => {
    const wrong: string[] = [];
    for (const c of catalogue.classes) {
      const cls = exportOf(c) as { prototype: object } | undefined;
      if (cls === undefined) continue;
      for (const name of drivenMethods(cls)) {
        const entry = lookup(`${c.name}#${name}`);
        if (!entry || entry.blocks === false) wrong.push(`${c.name}#${name} has a driven face but is not listed as blocking`);
      }
      for (const m of catalogue.methods.filter((m) => m.class === c.name && !m.static)) {
        const fn = (cls.prototype as Record<string, Fn>)[m.name];
        if (typeof fn !== "function") {
          wrong.push(`${c.name}#${m.name} is listed but does not exist`);
          continue;
        }
        if ((m.blocks !== false) !== (typeof fn[co] === "function")) wrong.push(`${c.name}#${m.name}: blocks=${JSON.stringify(m.blocks)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("follows `extends` when looking up inherited methods", () => {
    expect(lookup("Lock#acquire")).toMatchObject({ class: "Semaphore", blocks: { unlessOption: "blocking", arg: 0 } });
    expect(lookup("Pool#spawn")).toMatchObject({ class: "Pool", blocks: true });
    expect(lookup("Group#spawn")).toMatchObject({ blocks: false, returns: "Greenlet" });
    expect(lookup("sleep")).toMatchObject({ blocks: true, returns: "void" });
    expect(lookup("Queue#nope")).toBeUndefined();
    expect(lookup("connect")).toMatchObject({ module: "@weft/runtime/net", blocks: true, returns: "Socket" });
    expect(lookup("ServerSocket#accept")).toMatchObject({ module: "@weft/runtime/net", blocks: true, returns: "Socket" });
    expect(lookup("Socket#recv")).toMatchObject({ blocks: true, returns: "Buffer" });
    expect(lookup("SocketTimeout#nope")).toBeUndefined();
    expect(lookup("StreamServer#serveForever")).toMatchObject({ module: "@weft/runtime/net", blocks: true });
    expect(lookup("StreamServer#stop")).toMatchObject({ blocks: true });
    expect(lookup("StreamServer#close")).toMatchObject({ blocks: false });
    expect(lookup("StreamServer#constructor")).toMatchObject({ blocks: false, drives: [1], callbackParams: { 1: ["Socket"] } });
    expect(lookup("run")).toMatchObject({ module: "@weft/runtime/subprocess", blocks: true });
    expect(lookup("checkOutput")).toMatchObject({ module: "@weft/runtime/subprocess", blocks: true, returns: "Buffer" });
    expect(lookup("Popen#wait")).toMatchObject({ module: "@weft/runtime/subprocess", blocks: true, returns: "number" });
    expect(lookup("Popen#communicate")).toMatchObject({ blocks: true });
    expect(lookup("Popen#poll")).toMatchObject({ blocks: false });
    expect(lookup("PipeReader#recv")).toMatchObject({ blocks: true, returns: "Buffer" });
    expect(lookup("PipeWriter#sendAll")).toMatchObject({ blocks: true });
    expect(lookup("request")).toMatchObject({ module: "@weft/runtime/http", blocks: true, returns: "HttpResponse" });
    expect(lookup("get")).toMatchObject({ module: "@weft/runtime/http", blocks: true, returns: "HttpResponse" });
    expect(lookup("HttpServer#constructor")).toMatchObject({ drives: [1], callbackParams: { 1: ["HttpRequest", "HttpServerResponse"] } });
    expect(lookup("HttpServerResponse#end")).toMatchObject({ blocks: true });
    expect(lookup("HttpServerResponse#status")).toMatchObject({ blocks: false, returns: "HttpServerResponse" });
    expect(lookup("HttpResponse#json")).toMatchObject({ blocks: true });
    expect(lookup("RequestTimeout#cancel")).toMatchObject({ class: "Timeout", blocks: false });
  });

  it("names every function once: `lookup` finds functions by name alone", () => {
    const names = catalogue.functions.map((f) => f.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it("types callbacks only where the runtime drives them, with classes it has", () => {
    const classes = catalogue.classes.map((c) => c.name);
    for (const entry of [...catalogue.functions, ...catalogue.methods]) {
      for (const [index, types] of Object.entries(entry.callbackParams ?? {})) {
        expect(entry.drives).toContain(Number(index));
        for (const type of types) expect(classes).toContain(type);
      }
    }
  });

  it("names the classes values come from, for inference without types", () => {
    expect(lookup("spawn")?.returns).toBe("Greenlet");
    expect(lookup("greenlet")?.returns).toBe("RawGreenlet");
    for (const entry of [...catalogue.functions, ...catalogue.methods]) {
      const type = entry.returns.replace(/\[\]$/, "");
      if (/^[A-Z]/.test(type) && type !== "T" && !/^(Promise|IteratorResult|Buffer)$/.test(type)) {
        expect(catalogue.classes.map((c) => c.name)).toContain(type);
      }
    }
  });
});

describe("the patch catalogue and @weft/runtime/patch", () => {
  // Node's modules, as `patchable` names them.
  const nodeModules: Record<string, Record<string, unknown>> = {
    fs: require("node:fs"),
    child_process: require("node:child_process"),
    zlib: require("node:zlib"),
    crypto: require("node:crypto"),
  };
  const drivenFaceOf = (module: string, name: string): unknown => (nodeModules[module]?.[name] as Fn | undefined)?.[co];

  it("installs a face exactly on the patchable functions present on this Node", () => {
    const wrong: string[] = [];
    for (const [module, exports] of Object.entries(nodeModules)) {
      for (const [name, value] of Object.entries(exports)) {
        const listed = lookupPatchable(module, name) !== undefined;
        const hasFace = typeof value === "function" && typeof (value as Fn)[co] === "function";
        if (listed !== hasFace && typeof value === "function") wrong.push(`${module}.${name}: listed=${listed}, face=${hasFace}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(patch.patchedFunctions()).toEqual(patchable.filter((p) => typeof nodeModules[p.module]![p.name] === "function").map(({ module, name }) => ({ module, name })));
    expect(PATCH_MODULES.slice().sort()).toEqual(Object.keys(nodeModules).sort());
    expect(lookupPatchable("node:fs", "readFileSync")).toEqual({ module: "fs", name: "readFileSync" });
    expect(lookupPatchable("crypto", "randomBytes")).toMatchObject({ unlessArg: 1 });
  });

  it("adds a hidden, writable, configurable `co` property and leaves Node's function itself alone", () => {
    const fs = nodeModules["fs"]!;
    const d = Object.getOwnPropertyDescriptor(fs["readFileSync"], co);
    expect(d).toMatchObject({ enumerable: false, writable: true, configurable: true });
    expect(typeof d?.value).toBe("function");
    expect(Object.keys(fs["readFileSync"] as object)).toEqual([]);
    expect((fs["readFileSync"] as Fn).name).toBe("readFileSync");
    // The plain face is Node's genuine synchronous call.
    expect(String((fs["readFileSync"] as Fn)(__filename, "utf8"))).toContain("the patch catalogue and @weft/runtime/patch");
  });

  it("installs once per copy of the runtime: another copy's import replaces the faces with its own", () => {
    const before = patchable.map((p) => drivenFaceOf(p.module, p.name));
    jest.isolateModules(() => {
      // This registry's import is cached: nothing is installed again.
      require("@weft/runtime/patch");
    });
    const after = patchable.map((p) => drivenFaceOf(p.module, p.name));
    // A fresh registry is another copy of the runtime, with its own hub: its faces replace ours.
    expect(after.filter((face, i) => face !== undefined && face === before[i])).toEqual([]);
    expect(after.map((face) => typeof face)).toEqual(before.map((face) => typeof face));
    for (const p of patchable) {
      const fn = nodeModules[p.module]![p.name] as Fn | undefined;
      if (fn === undefined) continue;
      expect(Object.getOwnPropertySymbols(fn).filter((s) => s === co)).toHaveLength(1);
      expect(Object.getOwnPropertyDescriptor(fn, co)).toMatchObject({ enumerable: false });
    }
  });

  it("leaves a `co` property that is not its own alone", () => {
    const fs = nodeModules["fs"]!;
    const mine = drivenFaceOf("fs", "readFileSync");
    const foreign = function* () {
      return "foreign";
    };
    Object.defineProperty(fs["readFileSync"], co, { value: foreign, writable: true, configurable: true });
    try {
      jest.isolateModules(() => {
        const again = require("@weft/runtime/patch") as typeof import("@weft/runtime/patch");
        expect(again.patchedFunctions()).not.toContainEqual({ module: "fs", name: "readFileSync" });
      });
      expect(drivenFaceOf("fs", "readFileSync")).toBe(foreign);
    } finally {
      Object.defineProperty(fs["readFileSync"], co, { value: mine, writable: true, configurable: true });
    }
  });
});
