/**
 * The rows History holds: a bounded window of the filtered list, moved by keyset pages either
 * way. Scrolling down appends the page older than the last row and drops rows from the top;
 * scrolling up prepends the page newer than the first row and drops rows from the bottom. So
 * browsing 1,000,000 messages holds no more rows than browsing 1,000. The view keeps its place
 * across these changes by the row keys (see VirtualRows' anchoring).
 */

/** A row as the window needs it: its id is the keyset key (newest = highest). */
export type Keyed = { id: number };

export type RowWindow<T extends Keyed> = {
  /** Newest first. */
  rows: T[];
  /** Nothing newer than `rows[0]` matches: the window starts at the newest message. */
  atNewest: boolean;
  /** Nothing older than the last row matches. */
  atOldest: boolean;
};

/** Rows held at most (ten pages of a hundred). */
export const MAX_ROWS = 1000;

/** The first (newest) page. */
export function newestWindow<T extends Keyed>(page: T[], limit: number): RowWindow<T> {
  return { rows: page, atNewest: true, atOldest: page.length < limit };
}

/** The last (oldest) page, read with `after_id: 0`. */
export function oldestWindow<T extends Keyed>(page: T[], limit: number): RowWindow<T> {
  return { rows: page, atNewest: page.length < limit, atOldest: true };
}

/** The page older than the last row (`before_id` = its id) appended; rows over `max` leave at the top. */
export function withOlder<T extends Keyed>(w: RowWindow<T>, page: T[], limit: number, max = MAX_ROWS): RowWindow<T> {
  const last = w.rows[w.rows.length - 1];
  const rows = [...w.rows, ...page.filter((m) => !last || m.id < last.id)];
  const drop = Math.max(0, rows.length - max);
  return { rows: rows.slice(drop), atNewest: w.atNewest && drop === 0, atOldest: page.length < limit };
}

/** The page newer than the first row (`after_id` = its id) prepended; rows over `max` leave at the bottom. */
export function withNewer<T extends Keyed>(w: RowWindow<T>, page: T[], limit: number, max = MAX_ROWS): RowWindow<T> {
  const first = w.rows[0];
  const rows = [...page.filter((m) => !first || m.id > first.id), ...w.rows];
  const keep = Math.min(rows.length, max);
  return { rows: rows.slice(0, keep), atNewest: page.length < limit, atOldest: w.atOldest && keep === rows.length };
}

/**
 * A live refresh. `newest` is the first page read again (something changed: new messages, new
 * statuses). A window that starts at the newest takes it in full (new rows arrive at the top) and
 * keeps its older rows; over `max`, rows leave at the bottom, or at the top when the row in view
 * (`viewId`) would leave, so the view never loses what it shows. A window scrolled away from the
 * newest only updates the rows it holds (the newer ones come when the user scrolls up).
 */
export function refreshed<T extends Keyed>(
  w: RowWindow<T>,
  newest: T[],
  limit: number,
  viewId: number | null = null,
  max = MAX_ROWS,
): RowWindow<T> {
  if (!w.atNewest) return updated(w, newest);
  if (newest.length < limit) return newestWindow(newest, limit);
  const bottom = newest[newest.length - 1].id;
  const rows = [...newest, ...w.rows.filter((m) => m.id < bottom)];
  if (rows.length <= max) return { rows, atNewest: true, atOldest: w.atOldest };
  const view = viewId === null ? -1 : rows.findIndex((m) => m.id === viewId);
  if (view >= max) {
    // The row in view is far down: the newest rows give way instead.
    const drop = rows.length - max;
    return { rows: rows.slice(drop), atNewest: false, atOldest: w.atOldest };
  }
  return { rows: rows.slice(0, max), atNewest: true, atOldest: false };
}

/** The rows of `page` that the window holds, replaced by their new state; nothing added or moved. */
export function updated<T extends Keyed>(w: RowWindow<T>, page: T[]): RowWindow<T> {
  const fresh = new Map(page.map((m) => [m.id, m]));
  if (!w.rows.some((m) => fresh.has(m.id))) return w;
  return { ...w, rows: w.rows.map((m) => fresh.get(m.id) ?? m) };
}
