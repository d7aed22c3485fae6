/** Shopfloor's contracts: zod schemas and their inferred types, one file per family. */
export * from './common';
export * from './terminal-state';
export * from './station-end';
export * from './output-caps';
export * from './packet';
export * from './blueprint';
export * from './run-event';
export * from './evidence';
export * from './registry';
export * from './protocol';
export * from './review';
export * from './run-files';
export * from './agent';
export * from './pricing';
export * from './reproduction';
export * from './mcp';
export * from './comparison';
