// Files about to be uploaded whose names are taken in the folder on screen: asked about first ("Replace", "Keep
// both", "Skip"), as a file manager asks when a copy lands on a name in use. Known from the rows loaded so far: a
// folder of more than one page, or the insides of a dropped folder, are not checked.

/** "report (2).pdf", "photos (2)/": the name "Keep both" gives, the `n`th. */
export function numberedName(name: string, n = 2): string {
  const folder = name.endsWith('/');
  const base = folder ? name.slice(0, -1) : name;
  const dot = folder ? -1 : base.lastIndexOf('.');
  return dot > 0 ? `${base.slice(0, dot)} (${n})${base.slice(dot)}` : `${base} (${n})${folder ? '/' : ''}`;
}

/** The first numbered name not in `taken` (which it then holds too, for the next file of the same upload). */
export function freeName(name: string, taken: Set<string>): string {
  let n = 2;
  while (taken.has(numberedName(name, n))) n++;
  const free = numberedName(name, n);
  taken.add(free);
  return free;
}

/** The names of `names` (files directly in the folder) that a loaded row already has. */
export function takenAmong(names: string[], loaded: Iterable<string>): string[] {
  const here = new Set(loaded);
  return names.filter((n) => !n.includes('/') && here.has(n));
}
