/** weft for rollup: `weft()` in the rollup configuration's plugins (README.md). */
import { weft } from "./unplugin.js";

export default weft.rollup;
