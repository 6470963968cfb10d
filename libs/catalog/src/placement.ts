/** An item that names the one it follows (`after: null`: the first). */
export interface Placed {
  readonly name: string;
  readonly after: string | null;
}

/**
 * Items in the order their `after` names give: each right after the one it names. Each item is
 * followed by at most one other, so the order does not depend on the order they are listed in
 * (two after one would land in the order found, not as written).
 */
export function placedInOrder<T extends Placed>(items: readonly T[]): T[] {
  const anchors = items.map((c) => c.after);
  const shared = anchors.find((a, i) => anchors.indexOf(a) !== i);
  if (shared !== undefined) throw new Error(`two items follow ${shared ?? 'nothing'}: give each its own predecessor`);
  const ordered: T[] = [];
  let previous: string | null = null;
  for (const _ of items) {
    const next = items.find((c) => c.after === previous);
    if (!next) break;
    ordered.push(next);
    previous = next.name;
  }
  if (ordered.length !== items.length) {
    const lost = items.filter((c) => !ordered.includes(c)).map((c) => c.name);
    throw new Error(`${lost.join(', ')} follow nothing placed: each must name an item in the list`);
  }
  return ordered;
}
