/**
 * Glob matching for riskPaths and scope (repository-relative POSIX paths): `**` any
 * number of folders, `*` any characters within one name, `?` one character. A pattern
 * also matches everything under it when it names a folder (`src/auth` matches
 * `src/auth/login.ts`), and a pattern without `/` matches a file name anywhere
 * (`*.pem` matches `certs/dev.pem`), as in .gitignore.
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  const p = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slash = p[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** True when `path` matches any of `patterns` (see globToRegExp). */
export function matchesAny(path: string, patterns: readonly string[]): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return patterns.some((pat) => {
    const re = globToRegExp(pat);
    return re.test(path) || (!pat.replace(/\/+$/, '').includes('/') && re.test(base));
  });
}
