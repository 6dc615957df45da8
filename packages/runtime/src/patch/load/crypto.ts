/** `@weft/runtime/patch/crypto`: gives Node's `crypto` functions their driven faces (../install.ts). Compiled code imports it. */
import { installPatch } from "../install.js";

installPatch("crypto");
