/** Blueprints: the built-ins and lineage resolution (fork merged over parent). */
export * from './builtins';
export * from './resolve';
export * from './profile-facts';
export * from './repository';
