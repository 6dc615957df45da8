/** weft for esbuild: `weft()` in the esbuild configuration's plugins (README.md). */
import { weft } from "./unplugin.js";

export default weft.esbuild;
