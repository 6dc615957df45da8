import { parseSync, visitorKeys } from "oxc-parser";
const src = process.argv[2];
const r = parseSync(process.argv[3] ?? "a.ts", src, { preserveParens: false, astType: process.argv[4] ?? "ts" });
console.log(JSON.stringify(r.program, (k, v) => (k === "loc" ? undefined : v), 1).replace(/\n\s*/g, " "));
console.log(JSON.stringify(r.comments));
