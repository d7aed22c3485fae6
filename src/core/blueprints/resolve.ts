import { BlueprintSchema, type Blueprint, type Station } from '../../contracts';
import { parseOrThrow } from '../validate';
import { BUILTIN_BLUEPRINTS } from './builtins';

/** Finds a blueprint by `name` (highest version) or `name@version`; undefined when unknown. */
export type BlueprintLookup = (ref: string) => Blueprint | undefined;

/** A lookup over a list of blueprints, the built-ins after `extra`. */
export function lookupIn(extra: readonly Blueprint[] = []): BlueprintLookup {
  const all = [...extra, ...BUILTIN_BLUEPRINTS];
  return (ref) => {
    const [name, version] = ref.split('@');
    const found = all.filter((b) => b.name === name && (version === undefined || b.version === version));
    return found.sort((a, b) => compareSemver(b.version, a.version))[0];
  };
}

/** Compares MAJOR.MINOR.PATCH numerically (pre-release tags sort before the release). */
export function compareSemver(a: string, b: string): number {
  const pa = a.split(/[-+]/)[0]!.split('.').map(Number);
  const pb = b.split(/[-+]/)[0]!.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return (a.includes('-') ? 0 : 1) - (b.includes('-') ? 0 : 1);
}

/** One fork station over its parent's: fields replace, `gate` and `environment` merge field by field. */
function mergeStation(parent: Station, fork: Station): Station {
  if (parent.kind !== fork.kind) return fork;
  const merged = { ...parent, ...fork } as Station;
  merged.gate = { ...parent.gate, ...fork.gate };
  if (parent.environment || fork.environment) merged.environment = { ...parent.environment, ...fork.environment } as Station['environment'];
  return merged;
}

/**
 * Resolves a blueprint's lineage: a fork (`forkOf: name@version`) is merged over its
 * resolved parent. Stations keep the parent's order; a fork station with a parent
 * station's id is merged over it, a new one is inserted after the fork's previous
 * station (first when it is the fork's first). riskPaths are the union (a fork cannot
 * drop its parent's risk list); other top-level fields come from the fork. Throws on an
 * unknown parent, a lineage cycle, or a merged result that is not a valid blueprint.
 */
export function resolveBlueprint(blueprint: Blueprint, lookup: BlueprintLookup = lookupIn(), seen: string[] = []): Blueprint {
  if (!blueprint.forkOf) return blueprint;
  const self = `${blueprint.name}@${blueprint.version}`;
  if (seen.includes(self) || seen.includes(blueprint.forkOf)) throw new Error(`blueprint lineage cycle: ${[...seen, self, blueprint.forkOf].join(' -> ')}`);
  const parentRaw = lookup(blueprint.forkOf);
  if (!parentRaw) throw new Error(`${self} is a fork of ${blueprint.forkOf}, which is not known`);
  const parent = resolveBlueprint(parentRaw, lookup, [...seen, self]);

  const stations: Station[] = parent.stations.map((p) => {
    const f = blueprint.stations.find((s) => s.id === p.id);
    return f ? mergeStation(p, f) : p;
  });
  let prevId: string | undefined;
  for (const s of blueprint.stations) {
    if (!parent.stations.some((p) => p.id === s.id)) {
      const at = prevId === undefined ? 0 : stations.findIndex((x) => x.id === prevId) + 1;
      stations.splice(at, 0, s);
    }
    prevId = s.id;
  }
  const merged = {
    ...parent,
    ...blueprint,
    defaults: { ...parent.defaults, ...blueprint.defaults },
    riskPaths: [...new Set([...parent.riskPaths, ...blueprint.riskPaths])],
    stations,
  };
  return parseOrThrow(BlueprintSchema, merged, `Resolved blueprint ${self}`);
}
