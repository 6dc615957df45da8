import { transformSync } from "@babel/core";
import weftPlugin from "@weft/babel-plugin";
import { readFileSync } from "node:fs";
const filename = process.argv[2];
const ts = /\.[mc]?ts$/.test(filename);
const out = transformSync(readFileSync(filename, "utf8"), { filename, configFile: false, babelrc: false, plugins: [[weftPlugin, {}]], presets: ts ? [["@babel/preset-typescript", {}]] : [] });
console.log(out.code);
