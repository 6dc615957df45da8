/** weft for bun: `weft()` in the bun configuration's plugins (README.md). */
import { weft } from "./unplugin.js";

export default weft.bun;
