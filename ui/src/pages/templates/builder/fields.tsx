import { createContext, type ReactNode } from "react";
import type { ButtonDraft } from "../../../lib/ipc/bindings/ButtonDraft";
import type { TemplateDraft } from "../../../lib/ipc/bindings/TemplateDraft";

/** The core's problems by the draft field they belong to (`body`, `cards[1].buttons[0].url`, …). */
export type IssueMap = Map<string, string[]>;

/** The number the builder submits to: media samples are uploaded with its key. */
export const BuilderNumber = createContext<number | null>(null);

/** What every part of the builder gets: the draft, a way to change it, and the problems. */
export type PartProps = {
  draft: TemplateDraft;
  set: (patch: Partial<TemplateDraft>) => void;
  issues: IssueMap;
};

export function Issues({ at, issues }: { at: string; issues: IssueMap }) {
  const list = issues.get(at);
  if (!list?.length) return null;
  return (
    <p className="field-error" role="alert" data-field={at}>
      {list.join(" · ")}
    </p>
  );
}

export function Field(props: { label: string; at: string; issues: IssueMap; hint?: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={props.wide ? "field field--wide" : "field"}>
      <label>
        <span>{props.label}</span>
        {props.children}
      </label>
      {props.hint && !props.issues.get(props.at)?.length && <p className="hint">{props.hint}</p>}
      <Issues at={props.at} issues={props.issues} />
    </div>
  );
}

export const BUTTON_KINDS: [string, string][] = [
  ["QUICK_REPLY", "Quick reply"],
  ["URL", "Visit website"],
  ["PHONE_NUMBER", "Call phone number"],
  ["COPY_CODE", "Copy offer code"],
  ["OTP", "One-time password"],
  ["SPM", "View product"],
];

export function buttonKindLabel(kind: string): string {
  return BUTTON_KINDS.find(([k]) => k === kind)?.[1] ?? kind;
}

export function swap<T>(list: T[], a: number, b: number): T[] {
  const out = [...list];
  [out[a], out[b]] = [out[b], out[a]];
  return out;
}

/** A button with one field changed. */
export function patchButton(list: ButtonDraft[], i: number, patch: Partial<ButtonDraft>): ButtonDraft[] {
  return list.map((b, j) => (j === i ? { ...b, ...patch } : b));
}
