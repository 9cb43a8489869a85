// Formatters are made once and reused: every Date.toLocaleDateString() call or new
// Intl.DateTimeFormat builds a formatter of its own, whose locale data lives outside the script
// heap until a collection comes round, and History formats a date for every row it draws.
let dateOnly: Intl.DateTimeFormat | null = null;
let dateAndTime: Intl.DateTimeFormat | null = null;

/**
 * A time relative to now, for past and future times alike: "just now", "5 min ago", "3 h ago",
 * "in 5 min", "in 23 h"; beyond a day, the date. `now` is injectable for tests.
 */
export function relativeTime(at: string, now: number = Date.now()): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return at;
  const diff = (t - now) / 1000;
  const secs = Math.abs(diff);
  if (secs < 60) return diff > 0 ? "in a moment" : "just now";
  // The same text as `new Date(t).toLocaleDateString()`.
  if (secs >= 86400) return (dateOnly ??= new Intl.DateTimeFormat()).format(t);
  const amount = secs < 3600 ? `${Math.floor(secs / 60)} min` : `${Math.floor(secs / 3600)} h`;
  return diff > 0 ? `in ${amount}` : `${amount} ago`;
}

/** A date and time as people read it ("2 Dec 2026, 00:50"), or the text as it is if unreadable. */
export function dateTime(at: string): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return at;
  return (dateAndTime ??= new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" })).format(t);
}
