import { act, render, screen } from "@testing-library/react";
import { beforeAll, describe, expect, it } from "vitest";
import { rememberSample } from "../../lib/samplePreviews";
import type { PreviewModel } from "../../lib/templates";
import { Preview } from "./Preview";

const model = (handle: string): PreviewModel => ({
  headerFormat: "IMAGE",
  headerHandle: handle,
  headerText: "",
  body: "Hello",
  footer: "",
  buttons: [],
  cards: [{ headerFormat: "IMAGE", headerHandle: "4::card", body: "Card", buttons: [] }],
});

beforeAll(() => {
  // jsdom has no object URLs.
  let n = 0;
  URL.createObjectURL = () => `blob:sample-${++n}`;
  URL.revokeObjectURL = () => {};
});

describe("the preview of a media header", () => {
  it("shows a placeholder until this window uploads the sample, then the picture itself", () => {
    render(<Preview model={model("4::header")} />);
    expect(screen.queryByRole("img", { name: /Sample image/ })).toBeNull();
    expect(document.querySelector('.wa-bubble__media[data-format="IMAGE"]')?.textContent).toContain("image");
    act(() => rememberSample("4::header", new File([new Uint8Array([0xff, 0xd8, 0xff])], "shoe.jpg", { type: "image/jpeg" })));
    const img = screen.getByRole("img", { name: "Sample image shoe.jpg" });
    expect(img.getAttribute("src")).toMatch(/^blob:/);
    // A card's own sample is looked up by its own handle.
    expect(screen.queryAllByRole("img", { name: /Sample image/ })).toHaveLength(1);
    act(() => rememberSample("4::card", new File([new Uint8Array([0x89, 0x50])], "card.png", { type: "image/png" })));
    expect(screen.getByRole("img", { name: "Sample image card.png" })).toBeTruthy();
  });
});
