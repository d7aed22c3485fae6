// node-diff3 declares its types only under package.json `exports`, which this project's
// `moduleResolution: node10` does not read; point the bare specifier at the same file.
declare module 'node-diff3' {
  export * from 'node-diff3/src/diff3';
}
