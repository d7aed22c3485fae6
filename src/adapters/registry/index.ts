/** The git-backed blueprint registry adapter (issue 13). */
export * from './location';
export * from './clone';
export * from './queue';
export * from './identity';
export * from './blueprint-registry';
export * from './workspace-copies';
export * from './watch';
