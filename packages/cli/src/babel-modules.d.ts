// Babel's plugin packages ship no type declarations; weft only passes them to Babel.
declare module "@babel/plugin-transform-modules-commonjs" {
  const plugin: unknown;
  export default plugin;
}
declare module "@babel/preset-typescript" {
  const preset: unknown;
  export default preset;
}
declare module "@babel/plugin-proposal-decorators" {
  const plugin: unknown;
  export default plugin;
}
