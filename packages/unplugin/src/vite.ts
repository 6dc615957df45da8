/** weft for vite: `weft()` in the vite configuration's plugins (README.md). */
import { weft } from "./unplugin.js";

export default weft.vite;
