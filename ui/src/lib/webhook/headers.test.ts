import { describe, expect, it } from "vitest";
import { headerNameProblem, headerProblems, headerValueProblem } from "./headers";

describe("webhook header rules", () => {
  it.each([
    ["a plain token", "Authorization", null],
    ["dashes", "X-Api-Key", null],
    ["an underscore", "X_Api_Key", "360dialog does not accept '_' in header names; use '-'"],
    ["a space", "X Api", "a header name has only letters, digits and -"],
    ["a colon", "X-Api:", "a header name has only letters, digits and -"],
  ])("name with %s", (_case, name, problem) => {
    expect(headerNameProblem(name, "v")).toBe(problem);
  });

  it("values: no line breaks, at most 1024 bytes", () => {
    expect(headerValueProblem("Bearer abc\tdef")).toBeNull();
    expect(headerValueProblem("abc\r\nX-Evil: 1")).toBe("the value must not contain line breaks");
    expect(headerValueProblem("x".repeat(1025))).toBe("the value is longer than 1024 characters");
  });

  it("an empty row is fine, a value without a name and a repeated name are not", () => {
    expect(headerProblems([{ name: "", value: "" }])).toEqual([{ name: null, value: null }]);
    expect(headerProblems([{ name: " ", value: "x" }])[0].name).toBe("give the header a name");
    expect(headerProblems([{ name: "A", value: "1" }, { name: "a", value: "2" }])[1].name).toBe("this header is set twice");
  });
});
