/**
 * @weft/unplugin: weft for every bundler, one adapter over `@weft/core` (see README.md).
 */
export {};
