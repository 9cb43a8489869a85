// 360dialog's rules for custom webhook headers, checked at the field as the user types.
// The same rules as the core's `webhook::check_headers`, which checks again on save; there is no
// command to ask the core for one header yet, so the rule is repeated here until there is.

export type HeaderRow = { name: string; value: string };

const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^`|~]+$/;
export const MAX_HEADERS = 10;

/** Why a header name is refused, or null. An empty name is fine while its value is empty too. */
export function headerNameProblem(name: string, value: string): string | null {
  const n = name.trim();
  if (!n) return value ? "give the header a name" : null;
  if (n.includes("_")) return "360dialog does not accept '_' in header names; use '-'";
  if (!TOKEN.test(n)) return "a header name has only letters, digits and -";
  return null;
}

/** Why a header value is refused, or null. */
export function headerValueProblem(value: string): string | null {
  // Line breaks and other control characters (a tab is allowed).
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) return "the value must not contain line breaks";
  if (new TextEncoder().encode(value).length > 1024) return "the value is longer than 1024 characters";
  return null;
}

/** The problem of each row (name, value), plus a duplicate-name and a count check. */
export function headerProblems(rows: HeaderRow[]): { name: string | null; value: string | null }[] {
  const seen = new Set<string>();
  return rows.map((r, i) => {
    let name = headerNameProblem(r.name, r.value);
    const key = r.name.trim().toLowerCase();
    if (!name && key) {
      if (seen.has(key)) name = "this header is set twice";
      seen.add(key);
    }
    if (!name && i >= MAX_HEADERS) name = `at most ${MAX_HEADERS} custom headers`;
    return { name, value: headerValueProblem(r.value) };
  });
}
