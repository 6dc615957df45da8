// The Babel 8 half of test/fixtures.test.ts. Babel 8 is ESM-only, which jest's module system
// cannot load, so this child process (forked once per test run) compiles with it: it loads
// Babel 8 and its TypeScript preset from the private workspace test/babel8, and the plugin as
// built (`packages/babel-plugin/dist`; the test rebuilds it first when the sources are newer).
//
// Protocol (IPC messages): the parent sends `{ id, filename, code, options, withWeft, decorators }`
// (plugin options as JSON; the version of `@babel/plugin-proposal-decorators` to lower with, if any); the child answers `{ id, code?, error?, diagnostics, explain }` with plain data only.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import weft from "@weft/babel-plugin";

const require8 = createRequire(new URL("./babel8/package.json", import.meta.url));
const load = async (name) => {
  const mod = await import(pathToFileURL(require8.resolve(name)).href);
  return mod.default ?? mod;
};
const babel = await load("@babel/core");
const presetTypescript = await load("@babel/preset-typescript");
const proposalDecorators = await load("@babel/plugin-proposal-decorators");

process.on("message", (job) => {
  const diagnostics = [];
  const explain = [];
  const options = {
    ...job.options,
    onDiagnostic: (diagnostic, source) => diagnostics.push({ diagnostic, source }),
    onExplain: (file, entries) => explain.push({ file, entries }),
  };
  const reply = { id: job.id, version: babel.version, diagnostics, explain };
  try {
    const out = babel.transformSync(job.code, {
      filename: job.filename,
      configFile: false,
      babelrc: false,
      plugins: [
        ...(job.withWeft === false ? [] : [[weft, options]]),
        ...(job.decorators ? [[proposalDecorators, { version: job.decorators }]] : []),
      ],
      presets: /\.[cm]?ts$/.test(job.filename) ? [presetTypescript] : [],
    });
    reply.code = out?.code ?? "";
  } catch (error) {
    reply.error = { message: String(error?.message ?? error), code: error?.code };
  }
  process.send(reply);
});
process.send({ ready: true, version: babel.version });
