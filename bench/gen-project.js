/**
 * Generates, deterministically, the TypeScript project that bench/compile.js compiles: about 100
 * files and 10 000 lines of ordinary application code (interfaces, classes with fields and
 * parameter properties, loops, switches, try/catch, callbacks, template strings) importing each
 * other through `.js` specifiers, as TypeScript projects written for Node do.
 *
 * With `blocking: true` about a fifth of the functions and methods may block: roots that call
 * the runtime (`sleep`, `Queue#get`, `Event#wait`, `spawn(…).join()`), callers of those in the
 * same file (chains two or three deep, including `this.method()` inside a class) and callers of
 * blocking exports of other files, so propagation has work to do within and across files. With
 * `blocking: false` the same shapes do non-blocking work instead and nothing imports the runtime:
 * every file is a file with no blocking call.
 *
 * Every function records whether it may block and why (`root`, `chain` within its file, or
 * `import` from another file), the ground truth that compile.js checks the plugin's coroutines
 * against.
 *
 *   import { generateProject } from "./gen-project.js";
 *   const { files, functions } = generateProject({ blocking: true });  // files: [{ path, code }]
 */

/** A small deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

const TOPICS = [
  "orders", "users", "cache", "metrics", "billing", "search", "inventory", "sessions", "reports", "mailer",
  "scheduler", "ledger", "catalog", "payments", "shipping", "audit", "tokens", "profiles", "alerts", "uploads",
];
const FIELDS = ["price", "weight", "count", "rank", "age", "size", "level", "quota"];
const KINDS = ["new", "active", "stale", "archived", "failed"];

/**
 * @param {{ files?: number, lines?: number, blocking?: boolean, seed?: number, blockingFileShare?: number }} options
 * @returns {{ files: { path: string, code: string, lines: number }[], functions: { file: string, name: string, blocks: false | "root" | "chain" | "import" }[], lines: number }}
 */
export function generateProject({ files = 100, lines = 10_000, blocking = true, seed = 20261126, blockingFileShare = 0.4 } = {}) {
  const r = rng(seed);
  const modules = [];
  const functions = [];
  let totalLines = 0;
  for (let i = 0; i < files; i++) {
    const remainingFiles = files - i;
    const target = remainingFiles === 1 ? Math.max(40, lines - totalLines) : Math.round((lines - totalLines) / remainingFiles) + r.int(-30, 30);
    const mod = generateModule(i, r, modules, target, blocking && r.chance(blockingFileShare));
    modules.push(mod);
    functions.push(...mod.functions);
    totalLines += mod.lines;
  }
  return {
    files: modules.map((m) => ({ path: m.path, code: m.code, lines: m.lines })),
    functions,
    lines: totalLines,
  };
}

function generateModule(i, r, earlier, targetLines, blocking) {
  const n = String(i).padStart(3, "0");
  const topic = TOPICS[i % TOPICS.length];
  const base = `${topic}${n}`;
  const Rec = `${cap(topic)}Record${n}`;
  const Store = `${cap(topic)}Store${n}`;
  const Kind = `${cap(topic)}Kind${n}`;
  const path = `src/${base}.ts`;
  const fns = []; // { name, blocks, exported, sig } of this module, in order
  const body = [];
  const runtimeImports = new Set();
  const field = r.pick(FIELDS);
  const fnRecord = (name, blocks, extra = {}) => {
    fns.push({ file: path, name, blocks, ...extra });
  };

  // ---- imports from 1–3 earlier modules: plain helpers always, blocking ones for `import` chains
  const deps = [];
  if (earlier.length > 0) {
    const count = Math.min(earlier.length, r.int(1, 3));
    const chosen = new Set();
    while (chosen.size < count) chosen.add(earlier.length - 1 - Math.min(earlier.length - 1, Math.floor(r.next() ** 2 * earlier.length)));
    for (const j of [...chosen].sort((a, b) => a - b)) deps.push(earlier[j]);
  }
  const imported = new Map(); // module path -> Set of names
  const use = (dep, name) => {
    if (!imported.has(dep)) imported.set(dep, new Set());
    imported.get(dep).add(name);
    return name;
  };

  // ---- types and constants
  body.push(
    `export type ${Kind} = ${KINDS.map((k) => `"${k}"`).join(" | ")};`,
    ``,
    `export interface ${Rec} {`,
    `  id: number;`,
    `  name: string;`,
    `  kind: ${Kind};`,
    `  ${field}: number;`,
    `  tags: string[];`,
    `  updatedAt?: number;`,
    `}`,
    ``,
    `const WEIGHTS_${n}: readonly number[] = [${Array.from({ length: 5 }, () => (r.int(1, 99) / 10).toFixed(1)).join(", ")}];`,
    ``,
  );

  // ---- plain functions
  const parse = `parse${cap(base)}`;
  const classify = `classify${cap(base)}`;
  const score = `score${cap(base)}`;
  body.push(
    `export function ${score}(rec: ${Rec}, weights: readonly number[] = WEIGHTS_${n}): number {`,
    `  let total = 0;`,
    `  for (let i = 0; i < weights.length; i++) {`,
    `    const w = weights[i];`,
    `    total += i % 2 === 0 ? rec.${field} * w : rec.tags.length * w;`,
    `  }`,
    `  if (rec.kind === "failed") total /= 2;`,
    `  return Math.round(total * 100) / 100;`,
    `}`,
    ``,
  );
  fnRecord(score, false, { exported: true });

  // A plain helper of an earlier module used here.
  let depPlainCall = "0";
  if (deps.length > 0) {
    const d = r.pick(deps);
    const h = d.exportsPlain[0];
    depPlainCall = `${use(d, h.name)}(${h.call})`;
  }

  // ---- the class
  const fill = `fill`;
  const classBlocking = blocking && r.chance(0.4);
  const classLines = [
    `export class ${Store} {`,
    `  private readonly items = new Map<number, ${Rec}>();`,
    ``,
    `  constructor(private readonly label: string, private limit: number = ${r.int(10, 1000)}) {}`,
    ``,
    `  add(rec: ${Rec}): boolean {`,
    `    if (this.items.size >= this.limit && !this.items.has(rec.id)) return false;`,
    `    this.items.set(rec.id, { ...rec, updatedAt: Date.now() });`,
    `    return true;`,
    `  }`,
    ``,
    `  find(id: number): ${Rec} | undefined {`,
    `    return this.items.get(id);`,
    `  }`,
    ``,
    `  get size(): number {`,
    `    return this.items.size;`,
    `  }`,
    ``,
    `  summary(): string {`,
    `    return \`\${this.label}: \${this.items.size} of \${this.limit} items\`;`,
    `  }`,
  ];
  fnRecord(`${Store}#constructor`, false);
  fnRecord(`${Store}#add`, false);
  fnRecord(`${Store}#find`, false);
  fnRecord(`${Store}#size`, false);
  fnRecord(`${Store}#summary`, false);
  if (classBlocking) {
    runtimeImports.add("Queue");
    classLines.push(
      ``,
      `  ${fill}(source: Queue<${Rec}>, count: number): number {`,
      `    let added = 0;`,
      `    for (let i = 0; i < count; i++) {`,
      `      const rec = source.get();`,
      `      if (this.add(rec)) added++;`,
      `    }`,
      `    return added;`,
      `  }`,
      ``,
      `  refresh(source: Queue<${Rec}>): string {`,
      `    const added = this.${fill}(source, Math.max(1, this.limit - this.items.size));`,
      `    return added > 0 ? this.summary() : this.label;`,
      `  }`,
    );
    fnRecord(`${Store}#${fill}`, "root");
    fnRecord(`${Store}#refresh`, "chain");
  } else {
    classLines.push(
      ``,
      `  ${fill}(source: ${Rec}[], count: number): number {`,
      `    let added = 0;`,
      `    for (let i = 0; i < count && i < source.length; i++) {`,
      `      if (this.add(source[i])) added++;`,
      `    }`,
      `    return added;`,
      `  }`,
    );
    fnRecord(`${Store}#${fill}`, false);
  }
  classLines.push(`}`, ``);
  body.push(...classLines);

  // ---- blocking roots (or their plain twins) and chains
  const backoff = `backoff${cap(base)}`;
  const nextBatch = `nextBatch${cap(base)}`;
  const ingest = `ingest${cap(base)}`;
  const exportsPlain = [
    { name: score, call: `{ id: 1, name: "x", kind: "new", ${field}: 1, tags: [] } as never` },
  ];
  const exportsBlocking = [];
  if (blocking) {
    runtimeImports.add("sleep").add("Queue");
    body.push(
      `function ${backoff}(attempt: number): number {`,
      `  const ms = Math.min(1000, 2 ** attempt * ${r.int(2, 20)});`,
      `  sleep(ms);`,
      `  return ms;`,
      `}`,
      ``,
      `export function ${nextBatch}(queue: Queue<${Rec}>, size: number): ${Rec}[] {`,
      `  const batch: ${Rec}[] = [];`,
      `  while (batch.length < size) {`,
      `    const rec = queue.get();`,
      `    if (rec.kind !== "archived") batch.push(rec);`,
      `  }`,
      `  return batch;`,
      `}`,
      ``,
      `export function ${ingest}(store: ${Store}, queue: Queue<${Rec}>, rounds: number): number {`,
      `  let total = 0;`,
      `  for (let round = 0; round < rounds; round++) {`,
      `    const batch = ${nextBatch}(queue, ${r.int(2, 16)});`,
      `    for (const rec of batch) {`,
      `      if (store.add(rec)) total += ${score}(rec);`,
      `    }`,
      `    if (round % 4 === 3) ${backoff}(round);`,
      `  }`,
      `  return total;`,
      `}`,
      ``,
    );
    fnRecord(backoff, "root");
    fnRecord(nextBatch, "root", { exported: true });
    fnRecord(ingest, "chain", { exported: true });
    exportsBlocking.push({ name: ingest, store: Store });
    if (r.chance(0.3)) {
      runtimeImports.add("Event");
      const ready = `whenReady${cap(base)}`;
      body.push(
        `function ${ready}(ready: Event, label: string): boolean {`,
        `  const ok = ready.wait();`,
        `  if (!ok) console.warn(\`\${label}: not ready\`);`,
        `  return ok;`,
        `}`,
        ``,
      );
      fnRecord(ready, "root");
    }
    if (r.chance(0.3)) {
      runtimeImports.add("spawn");
      const runAll = `runAll${cap(base)}`;
      body.push(
        `export function ${runAll}(recs: ${Rec}[]): number {`,
        `  const g = spawn(() => recs.reduce((sum, rec) => sum + ${score}(rec), 0));`,
        `  g.join();`,
        `  return g.value ?? 0;`,
        `}`,
        ``,
      );
      fnRecord(runAll, "root", { exported: true });
    }
  } else {
    body.push(
      `function ${backoff}(attempt: number, log: number[] = []): number {`,
      `  const ms = Math.min(1000, 2 ** attempt * ${r.int(2, 20)});`,
      `  log.push(ms);`,
      `  return ms;`,
      `}`,
      ``,
      `export function ${nextBatch}(pending: ${Rec}[], size: number): ${Rec}[] {`,
      `  const batch: ${Rec}[] = [];`,
      `  while (batch.length < size && pending.length > 0) {`,
      `    const rec = pending.shift()!;`,
      `    if (rec.kind !== "archived") batch.push(rec);`,
      `  }`,
      `  return batch;`,
      `}`,
      ``,
      `export function ${ingest}(store: ${Store}, pending: ${Rec}[], rounds: number): number {`,
      `  let total = 0;`,
      `  for (let round = 0; round < rounds; round++) {`,
      `    const batch = ${nextBatch}(pending, ${r.int(2, 16)});`,
      `    for (const rec of batch) {`,
      `      if (store.add(rec)) total += ${score}(rec);`,
      `    }`,
      `    if (round % 4 === 3) ${backoff}(round);`,
      `  }`,
      `  return total;`,
      `}`,
      ``,
    );
    fnRecord(backoff, false);
    fnRecord(nextBatch, false, { exported: true });
    fnRecord(ingest, false, { exported: true });
  }

  // A caller of a blocking export of an earlier module: blocks only through the import.
  const blockingDeps = deps.filter((d) => d.exportsBlocking.length > 0);
  if (blocking && blockingDeps.length > 0) {
    const d = r.pick(blockingDeps);
    const e = d.exportsBlocking[0];
    const relay = `relay${cap(base)}`;
    runtimeImports.add("Queue");
    body.push(
      `export function ${relay}(queue: Queue<never>, rounds: number): string {`,
      `  const store = new ${use(d, e.store)}("${base}", ${r.int(10, 100)});`,
      `  const total = ${use(d, e.name)}(store, queue, rounds);`,
      `  return \`${base}: \${total.toFixed(2)} over \${store.size} (\${${depPlainCall}})\`;`,
      `}`,
      ``,
    );
    fnRecord(relay, "import", { exported: true });
  }

  // ---- plain filler until the module reaches its size: helpers of the usual kinds. The parser
  // and the classifier come first (later helpers call them); the others in a rotating order.
  const fillers = [
    [parse, () => [
      `export function ${parse}(line: string, fallbackKind: ${Kind} = "new"): ${Rec} | null {`,
      `  const parts = line.split(",").map((p) => p.trim());`,
      `  if (parts.length < 3 || parts[0] === "") return null;`,
      `  const id = Number.parseInt(parts[0], 10);`,
      `  if (Number.isNaN(id)) return null;`,
      `  const kind = (KINDS_${n}.includes(parts[2] as ${Kind}) ? parts[2] : fallbackKind) as ${Kind};`,
      `  return { id, name: parts[1], kind, ${field}: Number(parts[3] ?? 0), tags: parts.slice(4) };`,
      `}`,
      ``,
      `const KINDS_${n}: ${Kind}[] = [${KINDS.map((k) => `"${k}"`).join(", ")}];`,
    ], true],
    [classify, () => [
      `const LIMITS_${n}: Record<${Kind}, number> = { ${KINDS.map((k) => `${k}: ${(i * 37 + k.length * 11) % 500}`).join(", ")} };`,
      ``,
      `function ${classify}(kind: ${Kind}, age: number): string {`,
      `  switch (kind) {`,
      `    case "new":`,
      `      return age < LIMITS_${n}.new ? "fresh" : "pending";`,
      `    case "active":`,
      `    case "stale":`,
      `      return age > LIMITS_${n}.stale ? "expired" : "live";`,
      `    case "archived":`,
      `      return "cold";`,
      `    default:`,
      `      return "unknown";`,
      `  }`,
      `}`,
    ], false],
  ];
  const rotating = [
    (name) => [
      `export function ${name}(values: number[]): { min: number; max: number; mean: number } {`,
      `  if (values.length === 0) return { min: 0, max: 0, mean: 0 };`,
      `  let min = Infinity;`,
      `  let max = -Infinity;`,
      `  let sum = 0;`,
      `  for (const v of values) {`,
      `    if (v < min) min = v;`,
      `    if (v > max) max = v;`,
      `    sum += v;`,
      `  }`,
      `  return { min, max, mean: sum / values.length };`,
      `}`,
    ],
    (name) => [
      `export function ${name}(recs: ${Rec}[], now: number = Date.now()): Map<string, ${Rec}[]> {`,
      `  const groups = new Map<string, ${Rec}[]>();`,
      `  for (const rec of recs) {`,
      `    const key = ${classify}(rec.kind, now - (rec.updatedAt ?? now));`,
      `    const list = groups.get(key);`,
      `    if (list) list.push(rec);`,
      `    else groups.set(key, [rec]);`,
      `  }`,
      `  return groups;`,
      `}`,
    ],
    (name) => [
      `export function ${name}(text: string): ${Rec}[] {`,
      `  const out: ${Rec}[] = [];`,
      `  for (const line of text.split("\\n")) {`,
      `    try {`,
      `      const rec = ${parse}(line);`,
      `      if (rec) out.push(rec);`,
      `    } catch (error) {`,
      `      console.error(\`bad line \${JSON.stringify(line)}: \${String(error)}\`);`,
      `    }`,
      `  }`,
      `  return out;`,
      `}`,
    ],
    (name) => [
      `export const ${name} = (recs: ${Rec}[], tag: string): number =>`,
      `  recs.filter((rec) => rec.tags.includes(tag)).reduce((sum, rec) => sum + rec.${field}, 0);`,
    ],
    (name) => [
      `export function ${name}(a: ${Rec}, b: ${Rec}): ${Rec} {`,
      `  const tags = new Set([...a.tags, ...b.tags]);`,
      `  return {`,
      `    ...a,`,
      `    name: a.name.length >= b.name.length ? a.name : b.name,`,
      `    ${field}: Math.max(a.${field}, b.${field}),`,
      `    tags: [...tags].sort(),`,
      `    updatedAt: Math.max(a.updatedAt ?? 0, b.updatedAt ?? 0),`,
      `  };`,
      `}`,
    ],
    (name) => [
      `export function ${name}(recs: readonly ${Rec}[], page: number, perPage = 20): { items: ${Rec}[]; pages: number } {`,
      `  const pages = Math.max(1, Math.ceil(recs.length / perPage));`,
      `  const current = Math.min(Math.max(page, 1), pages);`,
      `  const items = recs.slice((current - 1) * perPage, current * perPage);`,
      `  return { items, pages };`,
      `}`,
    ],
    (name) => [
      `export function ${name}(rec: ${Rec}): string {`,
      `  const tags = rec.tags.length > 0 ? \` [\${rec.tags.join(", ")}]\` : "";`,
      `  return \`#\${rec.id} \${rec.name.padEnd(12)} \${rec.kind.toUpperCase()} ${field}=\${rec.${field}.toFixed(1)}\${tags}\`;`,
      `}`,
    ],
    (name) => [
      `export function ${name}(recs: ${Rec}[]): number {`,
      `  let checksum = ${depPlainCall};`,
      `  recs.forEach((rec, i) => {`,
      `    checksum = (checksum * 31 + rec.id * (i + 1)) % 1_000_003;`,
      `  });`,
      `  return checksum;`,
      `}`,
    ],
    (name) => [
      `export function ${name}(store: ${Store}, ids: number[], count: number): ${Rec}[] {`,
      `  return ids`,
      `    .map((id) => store.find(id))`,
      `    .filter((rec): rec is ${Rec} => rec !== undefined && rec.kind !== "archived")`,
      `    .sort((a, b) => ${score}(b) - ${score}(a))`,
      `    .slice(0, count);`,
      `}`,
    ],
  ];
  const rotatingNames = ["stats", "group", "load", "sumTagged", "merge", "paginate", "describe", "checksum", "top"];
  const current = () => body.length + 2 + imported.size + (runtimeImports.size > 0 ? 1 : 0);
  // group and load call the classifier and the parser: rotate only once both are in.
  for (let k = 0; current() < targetLines - 4; k++) {
    if (k < fillers.length) {
      const [name, lines, exported] = fillers[k];
      body.push(...lines(), ``);
      fnRecord(name, false, { exported });
      continue;
    }
    const j = k - fillers.length;
    const which = (i + j) % rotating.length;
    const round = Math.floor(j / rotating.length);
    const name = `${rotatingNames[which]}${cap(base)}${round === 0 ? "" : `_${round}`}`;
    body.push(...rotating[which](name), ``);
    fnRecord(name, false, { exported: true });
  }

  const header = [`// Generated by bench/gen-project.js: not real code, do not edit.`];
  if (runtimeImports.size > 0) header.push(`import { ${[...runtimeImports].sort().join(", ")} } from "@weft/runtime";`);
  for (const [dep, names] of imported) {
    const rel = `./${dep.path.slice("src/".length).replace(/\.ts$/, ".js")}`;
    header.push(`import { ${[...names].sort().join(", ")} } from "${rel}";`);
  }
  header.push(``);
  const code = [...header, ...body].join("\n");
  return {
    path,
    code,
    lines: code.split("\n").length,
    functions: fns,
    exportsPlain,
    exportsBlocking,
  };
}

function cap(s) {
  return s[0].toUpperCase() + s.slice(1);
}
