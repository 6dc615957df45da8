/**
 * Telling Babel's caller which files a module's output depends on besides its own source: the
 * imported files whose summaries say which exports block (summaries.ts). Without this, a cached
 * build (babel-loader's `cacheDirectory`, webpack's persistent cache, `babel --watch`, Parcel)
 * keeps an importer's old output after an imported helper starts blocking, and the importer then
 * calls a coroutine as a plain function (`ERR_WEFT_NOT_DRIVEN` at run time).
 *
 * Babel's channel for this is `api.addExternalDependency(file)`: the files end up in the result's
 * `externalDependencies`, which babel-loader passes to webpack's `addDependency` and checks its
 * cache entries against. But the list belongs to the plugin's factory call and is frozen when the
 * factory returns, before any file is seen; the files a module depends on are known only in its
 * `Program` visitor. So the factory adds one list of its own as a single entry, which it fills
 * during the transform: Babel builds the result's set by flattening nested lists (Babel 7.17 and
 * later, and 8; `../test/external-dependencies.test.ts` checks both). And it tells Babel never to
 * cache the plugin (`api.cache.never()`), so that every transform gets a fresh factory call, hence
 * a list of its own: a plugin object shared by two files compiled at once would mix their lists.
 */

/** The parts of Babel's plugin API used here (Babel 7.17+ and 8). */
export interface DependencyApi {
  cache: { never(): void };
  addExternalDependency?(file: string): void;
}

/**
 * Call in the plugin factory, after any other use of `api.cache` (`api.caller` included).
 * Returns the function that declares the files the module being compiled depends on.
 */
export function externalDependencies(api: DependencyApi): (files: Iterable<string>) => void {
  if (typeof api.addExternalDependency !== "function") return () => {};
  const files: string[] = [];
  api.cache.never();
  // Babel types the entry as a path; a nested list is what its result flattens (see above).
  api.addExternalDependency(files as unknown as string);
  return (more) => {
    for (const file of more) if (!files.includes(file)) files.push(file);
  };
}
