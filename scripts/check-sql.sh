#!/usr/bin/env bash
# SQL is parameterised everywhere: no Rust string holding SQL may interpolate a value.
# A line with an SQL keyword and a `{…}` interpolation fails the check, except
#   - `{UPPER_CASE}` constants (column lists),
#   - `?{}` / `?{n}` (the number of a bound parameter),
#   - a line marked, or following a line marked, `sql-safe:` with the reason.
# Values always go through `?N` parameters (rusqlite params!/params_from_iter).
set -euo pipefail
cd "$(dirname "$0")/.."

check() {
  perl -ne '
    BEGIN { $bad = 0; $prev = "" }
    if (/\b(SELECT|INSERT INTO|INSERT OR|UPDATE|DELETE FROM|WHERE|VALUES|LIMIT|ORDER BY|GROUP BY|MATCH)\b/
        && /(?<!\?)\{(?![A-Z][A-Z0-9_]*\})[^}]*\}/
        && !/^\s*\/\//
        && !/sql-safe:/ && $prev !~ /sql-safe:/) {
      print "$ARGV:$.: $_";
      $bad = 1;
    }
    $prev = $_;
    close ARGV if eof;
    END { exit $bad }
  ' "$@"
}

# The rule must catch an interpolated value (self-test).
probe=$(mktemp --suffix=.rs)
trap 'rm -f "$probe"' EXIT
echo '    conn.execute(&format!("DELETE FROM messages WHERE contact = {contact}"), [])?;' >"$probe"
if check "$probe" >/dev/null; then
  echo "check-sql: the rule did not catch an interpolated value" >&2
  exit 1
fi

mapfile -t files < <(git ls-files -- 'src-tauri/*.rs')
if ! check "${files[@]}"; then
  echo "SQL built with an interpolated value (above): bind it as a ?N parameter." >&2
  exit 1
fi
echo "SQL: every value is a bound parameter (${#files[@]} Rust files checked)"
