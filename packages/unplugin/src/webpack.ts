/** weft for webpack: `weft()` in the webpack configuration's plugins (README.md). */
import { weft } from "./unplugin.js";

export default weft.webpack;
