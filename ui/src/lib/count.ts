// One reused formatter: every Number.toLocaleString() call builds a formatter of its own (locale
// data held outside the script heap until a collection comes round), and History shows its counts
// again on every page it loads.
let counts: Intl.NumberFormat | null = null;

/** A count as people read it in their locale: the same text as `n.toLocaleString()`. */
export function formatCount(n: number): string {
  return (counts ??= new Intl.NumberFormat()).format(n);
}
