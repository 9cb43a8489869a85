import { describe, expect, it } from "vitest";
import type { NumberView } from "../ipc/bindings/NumberView";
import { routeParams, sectionFromHash } from "../sections";
import { numberNamed } from "./useRouteParams";

describe("routes of wabadesk:// links", () => {
  it("reads the section and the parameters the core's route carries", () => {
    // The routes as `wabadesk_core::links::Link::route` writes them.
    expect(sectionFromHash("#/templates?number=4915123456789&name=order_shipped&language=en_US")).toBe("templates");
    const p = routeParams("#/templates?number=4915123456789&name=order_shipped&language=en_US");
    expect([p.get("number"), p.get("name"), p.get("language")]).toEqual(["4915123456789", "order_shipped", "en_US"]);
    expect(routeParams("#/numbers?number=%2B49+151").get("number")).toBe("+49 151");
    expect(routeParams("#/history?wamid=wamid.HBgL%3D%3D").get("wamid")).toBe("wamid.HBgL==");
    expect(sectionFromHash("#/inbox")).toBe("inbox");
    expect(routeParams("#/inbox").get("number")).toBeNull();
  });

  it("finds the number a link names by phone, digits or label", () => {
    const numbers = [
      { id: 1, phone: "+4915100000001", label: "Support" },
      { id: 2, phone: "+4915100000002", label: "Sales" },
    ] as unknown as NumberView[];
    expect(numberNamed(numbers, "+4915100000002")?.id).toBe(2);
    expect(numberNamed(numbers, "4915100000001")?.id).toBe(1);
    expect(numberNamed(numbers, "+49 151 00000002")?.id).toBe(2);
    expect(numberNamed(numbers, "Sales")?.id).toBe(2);
    expect(numberNamed(numbers, "Nobody")).toBeUndefined();
  });
});
