/** weft for rspack: `weft()` in the rspack configuration's plugins (README.md). */
import { weft } from "./unplugin.js";

export default weft.rspack;
