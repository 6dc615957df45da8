/** `@weft/runtime/patch/child_process`: gives Node's `child_process` functions their driven faces (../install.ts). Compiled code imports it. */
import { installPatch } from "../install.js";

installPatch("child_process");
