import { describe, expect, it } from "vitest";
import {
  AUDIT_ACTIONS,
  DIRECTIONS,
  auditActionLabel,
  authenticationBody,
  authenticationFooter,
  isFinalStatus,
  LANGUAGES,
  LIMITS,
  parseDirection,
  parseStatus,
  STATUSES,
} from "./vocabulary";

describe("the core's vocabulary", () => {
  it("counts played as final, like read and failed, and a send that never went out", () => {
    expect(STATUSES.filter(isFinalStatus)).toEqual(["read", "played", "failed", "not_sent"]);
    expect(isFinalStatus("outcome_unknown")).toBe(false);
    expect(isFinalStatus("sent")).toBe(false);
    expect(isFinalStatus("deleted")).toBe(false);
  });

  it("lists every audit action once, with a label, and names unknown ones readably", () => {
    const values = AUDIT_ACTIONS.map((a) => a.value);
    expect(new Set(values).size).toBe(values.length);
    expect(values.length).toBeGreaterThanOrEqual(20);
    expect(auditActionLabel("key_rotated")).toBe("Key replaced");
    expect(auditActionLabel("something_new")).toBe("something new");
  });

  it("writes the authentication texts as Meta does", () => {
    expect(authenticationBody(false)).toBe("*123456* is your verification code.");
    expect(authenticationBody(true)).toBe("*123456* is your verification code. For your security, do not share this code.");
    expect(authenticationFooter(5)).toBe("This code expires in 5 minutes.");
  });

  it("carries the languages and the limits the hints show", () => {
    expect(LANGUAGES).toContainEqual(["pt_BR", "Portuguese (Brazil)"]);
    expect(LIMITS.template_body_max).toBe(1024);
    expect(LIMITS.header_text_max).toBe(60);
    expect(LIMITS.text_body_max).toBe(4096);
  });
});

describe("parsing filter values", () => {
  it("keeps the core's names and drops others", () => {
    expect(parseStatus("played")).toBe("played");
    expect(parseStatus("")).toBeNull();
    expect(parseStatus("deleted")).toBeNull();
    expect(DIRECTIONS.map((d) => [d.value, d.label])).toEqual([["out", "Sent"], ["in", "Received"]]);
    expect(parseDirection("in")).toBe("in");
    expect(parseDirection("both")).toBeNull();
  });
});
