/** A load-balancing policy name, as in config. */
export type LbPolicy = "round_robin" | "first" | "random";

/** Picks the index of an upstream among `count`, considering only those `eligible` accepts. */
export type UpstreamSelector = (count: number, eligible: (index: number) => boolean) => number | undefined;

/**
 * Creates the selector for a policy: `first` takes the lowest eligible index, `random` any eligible index,
 * `round_robin` the next eligible index after the one it chose last (so a skipped upstream's share is
 * spread evenly rather than landing on its neighbour).
 */
export function createUpstreamSelector(policy: LbPolicy, random: () => number = Math.random): UpstreamSelector {
  if (policy === "first") {
    return (count, eligible) => {
      for (let index = 0; index < count; index++) if (eligible(index)) return index;
      return undefined;
    };
  }
  if (policy === "random") {
    return (count, eligible) => {
      const candidates: number[] = [];
      for (let index = 0; index < count; index++) if (eligible(index)) candidates.push(index);
      return candidates[Math.floor(random() * candidates.length)];
    };
  }
  let next = 0;
  return (count, eligible) => {
    for (let step = 0; step < count; step++) {
      const index = (next + step) % count;
      if (eligible(index)) {
        next = (index + 1) % count;
        return index;
      }
    }
    return undefined;
  };
}
