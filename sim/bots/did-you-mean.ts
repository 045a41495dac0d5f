// "Did you mean ...?" for a misspelled name: the known names a small edit away from it (letters added,
// removed, changed or swapped), or that it is the start of.

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`: optimal string alignment distance. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The known names closest to `name` (case ignored), nearest first: those at most 2 edits away (3 for
 * names of 9 letters or more), or, failing that, those starting with it (3 letters at least).
 */
export function closestNames(name: string, known: readonly string[]): string[] {
  const typed = name.toLowerCase();
  const allowed = typed.length >= 9 ? 3 : 2;
  const near = known
    .map((candidate) => ({ candidate, distance: editDistance(typed, candidate.toLowerCase()) }))
    .filter((c) => c.distance <= allowed && c.distance < Math.max(typed.length, c.candidate.length))
    .sort((x, y) => x.distance - y.distance);
  if (near.length > 0) return near.filter((c) => c.distance === near[0]!.distance).map((c) => c.candidate);
  return typed.length >= 3 ? known.filter((candidate) => candidate.toLowerCase().startsWith(typed)) : [];
}
