import type { ErrorCode } from "./bindings/ErrorCode";
import type { ErrorPayload } from "./bindings/ErrorPayload";

const CODES = [
  "validation",
  "not_found",
  "unauthorized",
  "rate_limited",
  "upstream",
  "network",
  "outcome_unknown",
  "keychain_unavailable",
  "database",
  "internal",
] as const satisfies readonly ErrorCode[];

// Compile-time check that CODES lists every code of the generated ErrorCode union.
type Unlisted = Exclude<ErrorCode, (typeof CODES)[number]>;
const everyCodeListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyCodeListed;

/** True when `e` is the `{code, message}` every command rejects with. */
export function isIpcError(e: unknown): e is ErrorPayload {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as ErrorPayload).message === "string" &&
    (CODES as readonly string[]).includes((e as ErrorPayload).code)
  );
}

/** Any rejection as an `ErrorPayload`, so pages handle one shape. */
export function toIpcError(e: unknown): ErrorPayload {
  if (isIpcError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return { code: "internal", message };
}

/** A short title for an error code, shown above the message. */
export function errorTitle(code: ErrorCode): string {
  switch (code) {
    case "validation":
      return "Check the input";
    case "not_found":
      return "Not found";
    case "unauthorized":
      return "API key rejected";
    case "rate_limited":
      return "Rate limited";
    case "upstream":
      return "360dialog returned an error";
    case "network":
      return "Network problem";
    case "outcome_unknown":
      return "Sent? Unknown";
    case "keychain_unavailable":
      return "OS keyring unavailable";
    case "database":
      return "Database error";
    case "internal":
      return "Something went wrong";
  }
}
