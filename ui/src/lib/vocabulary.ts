// The domain's closed lists, texts and limits as the core defines them (generated from
// `wabadesk_core::vocabulary`); pages take their filters, labels and hints from here.
import type { AuditAction } from "./ipc/bindings/AuditAction";
import type { Direction } from "./ipc/bindings/Direction";
import type { MessageStatus } from "./ipc/bindings/MessageStatus";
import { VOCABULARY } from "./ipc/bindings/vocabulary.generated";

export { VOCABULARY };
export const LIMITS = VOCABULARY.limits;

/** Every message status, in the order filters list them. */
export const STATUSES: MessageStatus[] = VOCABULARY.statuses.map((s) => s.value);

/** The status a stored or typed name means, or null for a name outside the core's list. */
export function parseStatus(value: string): MessageStatus | null {
  return STATUSES.find((s) => s === value) ?? null;
}

/** Which way messages went, with the labels filters show. */
export const DIRECTIONS = VOCABULARY.directions;

export function parseDirection(value: string): Direction | null {
  return DIRECTIONS.find((d) => d.value === value)?.value ?? null;
}

/** Whether no further status is expected for a message in this status (read, played, failed). */
export function isFinalStatus(status: string): boolean {
  return VOCABULARY.statuses.some((s) => s.value === status && s.is_final);
}

/** Where an inbox event came from (this computer's receiver, an import, the team relay), labelled. */
export function inboxSourceLabel(source: string): string {
  return VOCABULARY.inbox_sources.find((s) => s.value === source)?.label ?? source;
}

/** Every action the core records in the audit log, with its label. */
export const AUDIT_ACTIONS = VOCABULARY.audit_actions;

/** The label of a stored audit action (an unknown one is shown with spaces for underscores). */
export function auditActionLabel(action: string): string {
  return AUDIT_ACTIONS.find((a) => a.value === action)?.label ?? action.replace(/_/g, " ");
}

export function isAuditAction(value: string): value is AuditAction {
  return AUDIT_ACTIONS.some((a) => a.value === value);
}

/** Meta's template languages: [code, name]. */
export const LANGUAGES: [string, string][] = VOCABULARY.languages.map((l) => [l.code, l.name]);

/** The body Meta writes for an authentication template, with the sample code filled in. */
export function authenticationBody(addSecurityRecommendation: boolean): string {
  const a = VOCABULARY.authentication;
  const body = a.body.replace("{{1}}", a.sample_code);
  return addSecurityRecommendation ? `${body} ${a.security_recommendation}` : body;
}

/** The footer Meta writes for an authentication template with a code expiry. */
export function authenticationFooter(minutes: number): string {
  return VOCABULARY.authentication.expiry_footer.replace("{{minutes}}", String(minutes));
}

/** A template status in plain words and its tone (ok, wait, warn, bad); an unknown one is a warning. */
export function templateStatus(status: string): { tone: string; meaning: string } {
  const t = VOCABULARY.template_statuses.find((s) => s.value === status.trim().toUpperCase());
  return t ? { tone: t.tone, meaning: t.meaning } : { tone: "warn", meaning: `Status "${status}" from Meta: check it in the 360dialog Hub before sending.` };
}

/** What a rejection reason means and the builder field it is about. */
export function rejectionOf(reason: string | null): { meaning: string; field: string | null } | null {
  if (!reason || reason.trim().toUpperCase() === "NONE") return null;
  const r = VOCABULARY.rejection_reasons.find((x) => x.value === reason.trim().toUpperCase());
  return r
    ? { meaning: r.meaning, field: r.field }
    : { meaning: `Rejected by Meta's review (reason: ${reason}). Check the wording and category, then submit again.`, field: null };
}
