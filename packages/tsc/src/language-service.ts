/**
 * weft in the editor: a TypeScript language-service plugin (`@weft/tsc/language-service`) for
 * TypeScript 5.9 and 6.x, which tsserver loads from a tsconfig `plugins` entry:
 *
 * ```json
 * { "compilerOptions": { "plugins": [{ "name": "@weft/tsc/language-service" }] } }
 * ```
 *
 * tsserver resolves the name from the folder that holds its own `node_modules` (where the
 * project's TypeScript is installed), loads it with `require()` and calls the export with
 * `{ typescript }`; `create(info)` returns the project's language service, decorated:
 *
 *   getSemanticDiagnostics   + weft's diagnostics of the file (errors and warnings), as the
 *                              transformer reports them (to-ts-diagnostic.ts): source `weft`, code
 *                              the WEFT number, the `note:` chain and `help:` in the message
 *   getQuickInfoAtPosition   + a line on a yield point or on a function that becomes a coroutine,
 *                              and why (service-hover.ts)
 *   getCodeFixesAtPosition   + the fixes whose help is mechanical: "run it in a greenlet" for
 *   getSupportedCodeFixes      WEFT1002 (service-spawn-fix.ts), "mark it `@blocking`" for WEFT3007
 *                              and WEFT3008 (service-mark-fix.ts)
 *
 * The analysis is the transformer's (build-analyzer.ts) run with the service's own Program and
 * checker; only the file asked about is analysed again after an edit (service-analyses.ts).
 * Diagnostics the transformer finds only while writing its output (a shape `applyPlan` refuses)
 * are not shown: the service does not run the transformer.
 *
 * The plugin never throws into tsserver: an error of its own is logged through the project
 * service's logger (`[weft] …`, tsserver's log) and the service's plain result is returned. The
 * entry's keys other than `name` are weft's options (`blocking`, `module`, `testRunner`); a wrong
 * one is logged (WEFT2001) and the defaults are used.
 *
 * The package is an ES module and tsserver `require()`s plugins: `language-service/index.js` is
 * a CommonJS entry that loads this module with `require()` of an ES module (Node >= 20.19).
 */
import type * as TS from "typescript";
import type { TypeScriptApi } from "./index.js";
import { hoverLine } from "./service-hover.js";
import { serviceAnalyses, type ServiceAnalyses } from "./service-analyses.js";
import { MARK_FIX_CODES, markFixes } from "./service-mark-fix.js";
import { SPAWN_FIX_CODES, spawnFixes } from "./service-spawn-fix.js";
import { validateOptions, type ResolvedOptions } from "./options.js";
import { toTsDiagnostic } from "./to-ts-diagnostic.js";

/** The keys of a tsconfig `plugins` entry that are tsserver's. */
const tsserverKeys = new Set(["name", "global", "languageServiceOnly"]);

function optionsOf(config: unknown, log: (message: string) => void): ResolvedOptions {
  const entries = typeof config === "object" && config !== null ? Object.entries(config).filter(([key]) => !tsserverKeys.has(key)) : [];
  try {
    return validateOptions(Object.fromEntries(entries));
  } catch (error) {
    log(`ignoring the plugin entry's options: ${(error as Error).message}`);
    return validateOptions({});
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** What tsserver calls: `init({ typescript })`, then `create(info)` per project. */
export default function init(modules: { typescript: TypeScriptApi }): TS.server.PluginModule {
  const ts = modules.typescript as typeof TS;

  function create(info: TS.server.PluginCreateInfo): TS.LanguageService {
    const service = info.languageService;
    const log = (message: string) => {
      try {
        info.project.projectService.logger.info(`[weft] ${message}`);
      } catch {
        // no logger: nothing to tell
      }
    };
    const build = (config: unknown): ServiceAnalyses =>
      serviceAnalyses(ts, () => service.getProgram(), optionsOf(config, log), () => info.project.getCurrentDirectory(), (file, afresh) => log(`analysed ${file} (afresh: ${afresh.join(", ")})`));
    const analyses = build(info.config);

    /** `compute()`, or `plain` (logged) when it throws. */
    const guarded = <T>(what: string, plain: T, compute: () => T): T => {
      try {
        return compute();
      } catch (error) {
        log(`internal error in ${what}, showing TypeScript's result alone: ${errorText(error)}`);
        return plain;
      }
    };

    const proxy = Object.create(null) as TS.LanguageService;
    for (const key of Object.keys(service) as Array<keyof TS.LanguageService>) {
      const method = service[key];
      if (typeof method === "function") (proxy as unknown as Record<string, unknown>)[key] = (...args: unknown[]) => (method as (...a: unknown[]) => unknown).apply(service, args);
    }

    proxy.getSemanticDiagnostics = (fileName) => {
      const plain = service.getSemanticDiagnostics(fileName);
      return guarded("diagnostics", plain, () => {
        const found = analyses.analysisOf(fileName);
        if (found === undefined) return plain;
        return [...plain, ...found.analysis.analysis.diagnostics.map((d) => toTsDiagnostic(ts, d, found.sf))];
      });
    };

    proxy.getQuickInfoAtPosition = (fileName, position, ...rest) => {
      const plain = (service.getQuickInfoAtPosition as (...a: unknown[]) => TS.QuickInfo | undefined)(fileName, position, ...rest);
      return guarded("hover", plain, () => {
        const found = analyses.analysisOf(fileName);
        const hover = found === undefined ? undefined : hoverLine(ts, found.sf, found.analysis, position);
        if (hover === undefined) return plain;
        const line: TS.SymbolDisplayPart = { kind: "text", text: hover.line };
        if (plain === undefined) {
          const start = hover.node.getStart(found!.sf);
          return { kind: ts.ScriptElementKind.unknown, kindModifiers: "", textSpan: { start, length: hover.node.getEnd() - start }, displayParts: [], documentation: [line] };
        }
        const documentation = plain.documentation ?? [];
        return { ...plain, documentation: documentation.length > 0 ? [...documentation, { kind: "lineBreak", text: "\n\n" }, line] : [line] };
      });
    };

    proxy.getCodeFixesAtPosition = (fileName, start, end, errorCodes, formatOptions, preferences) => {
      const plain = service.getCodeFixesAtPosition(fileName, start, end, errorCodes, formatOptions, preferences);
      return guarded("code fixes", plain, () => {
        const spawn = errorCodes.some((code) => SPAWN_FIX_CODES.includes(code));
        const mark = errorCodes.some((code) => MARK_FIX_CODES.includes(code));
        const found = spawn || mark ? analyses.analysisOf(fileName) : undefined;
        const program = service.getProgram();
        if (found === undefined || program === undefined) return plain;
        return [
          ...plain,
          ...(spawn ? spawnFixes(ts, found.sf, found.analysis, start, end) : []),
          ...(mark ? markFixes(ts, program, found.sf, found.analysis, start, end) : []),
        ];
      });
    };

    if (typeof service.getSupportedCodeFixes === "function") {
      proxy.getSupportedCodeFixes = (...args) => {
        const plain = service.getSupportedCodeFixes(...args);
        return guarded("supported code fixes", plain, () => [...new Set([...plain, ...[...SPAWN_FIX_CODES, ...MARK_FIX_CODES].map(String)])]);
      };
    }

    log(`enabled for ${info.project.getProjectName()} (TypeScript ${ts.version})`);
    return proxy;
  }

  return { create };
}
