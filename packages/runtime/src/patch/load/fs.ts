/** `@weft/runtime/patch/fs`: gives Node's `fs` functions their driven faces (../install.ts). Compiled code imports it. */
import { installPatch } from "../install.js";

installPatch("fs");
