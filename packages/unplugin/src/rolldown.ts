/** weft for rolldown: `weft()` in the rolldown configuration's plugins (README.md). */
import { weft } from "./unplugin.js";

export default weft.rolldown;
