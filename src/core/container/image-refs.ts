/**
 * The registry host an image reference is pulled from (the docker reference grammar,
 * distribution/reference): the first path part when it has a dot or a port or is
 * `localhost`, else Docker Hub (`registry-1.docker.io`). Pure.
 */
export function imageRegistry(ref: string): string {
  const first = ref.split('/')[0]!;
  if (ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first.toLowerCase();
  return 'registry-1.docker.io';
}

/**
 * The external images a Dockerfile builds from: each `FROM` image (and `COPY --from=` of an
 * image), with `ARG` defaults before the first FROM and the build's `args` substituted
 * (`$X`, `${X}`, `${X:-d}`), leaving out earlier stage names and `scratch`. Pure.
 */
export function dockerfileBaseImages(text: string, args: Record<string, string> = {}): string[] {
  const vars: Record<string, string> = {};
  const stages = new Set<string>();
  const out: string[] = [];
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const expand = (s: string) =>
    s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_w, a?: string, d?: string, b?: string) => {
      const v = args[(a ?? b)!] ?? vars[(a ?? b)!];
      return v || (d ?? '');
    });
  let seenFrom = false;
  const add = (img: string) => {
    if (img && img !== 'scratch' && !stages.has(img.toLowerCase()) && !out.includes(img)) out.push(img);
  };
  for (const raw of lines) {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?/i.exec(line);
    if (arg && !seenFrom) {
      vars[arg[1]!] = args[arg[1]!] ?? (arg[2] ?? '').replace(/^["']|["']$/g, '');
      continue;
    }
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      seenFrom = true;
      add(expand(from[1]!));
      if (from[2]) stages.add(from[2].toLowerCase());
      continue;
    }
    const copy = /^COPY\s+.*--from=(\S+)/i.exec(line);
    if (copy && !/^\d+$/.test(copy[1]!)) add(expand(copy[1]!));
  }
  return out;
}
