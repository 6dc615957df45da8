/** `@weft/runtime/patch/zlib`: gives Node's `zlib` functions their driven faces (../install.ts). Compiled code imports it. */
import { installPatch } from "../install.js";

installPatch("zlib");
