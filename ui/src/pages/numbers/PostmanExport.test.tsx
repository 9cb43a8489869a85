import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { NumberView } from "../../lib/ipc/bindings/NumberView";

const calls: [number, boolean][] = [];

vi.mock("../../lib/ipc/commands", () => ({
  exportPostman: async (numberId: number, includeKey: boolean) => {
    calls.push([numberId, includeKey]);
    return {
      dir: "/home/u/Downloads/wabadesk-postman-1",
      collection_file: "4915100000001.postman_collection.json",
      environment_file: "4915100000001.postman_environment.json",
      key_included: includeKey,
      skipped: ["promo (en_US): rejected, and Meta sends only approved templates"],
    };
  },
}));

afterEach(() => {
  cleanup();
  calls.length = 0;
});

const number = { id: 7, phone: "+4915100000001", label: "Support" } as unknown as NumberView;

describe("Postman export in the number's drawer", () => {
  it("leaves the key out by default and says where the files went", async () => {
    const { PostmanExport } = await import("./PostmanExport");
    render(<PostmanExport number={number} />);
    expect(document.getElementById("postman-key-warning")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Export Postman collection" }));
    await waitFor(() => expect(document.getElementById("postman-saved")?.textContent).toContain("set api_key in Postman"));
    expect(calls).toEqual([[7, false]]);
    expect(document.getElementById("postman-saved")?.textContent).toContain("wabadesk-postman-1");
    expect(document.getElementById("postman-saved")?.textContent).toContain("Left out: promo (en_US)");
  });

  it("warns before the key goes into the file, and includes it only when asked", async () => {
    const { PostmanExport } = await import("./PostmanExport");
    const { VOCABULARY } = await import("../../lib/vocabulary");
    render(<PostmanExport number={number} />);
    fireEvent.click(screen.getByLabelText("Include the API key"));
    expect(document.getElementById("postman-key-warning")?.textContent).toBe(VOCABULARY.rules.key_in_file);
    fireEvent.click(screen.getByRole("button", { name: "Export Postman collection" }));
    await waitFor(() => expect(document.getElementById("postman-saved")?.textContent).toContain("with the API key"));
    expect(calls).toEqual([[7, true]]);
  });
});
