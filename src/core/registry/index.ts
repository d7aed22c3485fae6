/** The registry's pure rules (issue 13): names, layout, semver, records, analytics, promotion, merge. */
export * from './names';
export * from './layout';
export * from './semver';
export * from './intervals';
export * from './analytics';
export * from './promotion';
export * from './merge';
export * from './outcome';
export * from './verdict';
export * from './comparison';
export * from './review-choices';
