/** The run journal's hash chain (design.md "Run journal"): building and verifying records. */
export * from './chain';
export * from './verify';
