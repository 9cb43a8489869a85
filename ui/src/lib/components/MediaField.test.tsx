import { cleanup, fireEvent, render, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { useState } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const file = (id: number, name: string, kind: string, mediaId: string, expired: boolean) => ({
  id, number_id: 4, file_name: name, mime_type: "image/png", kind, size: 2048, media_id: mediaId,
  uploaded_at: "2026-12-01T10:00:00.000Z", expires_at: "2026-12-31T10:00:00.000Z", expired,
});
const uploads: unknown[][] = [];

vi.mock("../ipc/commands", () => ({
  mediaTypes: async () => [
    { mime: "image/png", kind: "image", max_bytes: 5 * 1024 * 1024, extensions: ["png"], sample: true },
    { mime: "video/mp4", kind: "video", max_bytes: 16 * 1024 * 1024, extensions: ["mp4"], sample: true },
  ],
  mediaLibrary: async () => [file(1, "banner.png", "image", "111", false), file(2, "old.png", "image", "999", true), file(3, "clip.mp4", "video", "333", false)],
  uploadMedia: async (...args: unknown[]) => {
    uploads.push(args);
    return file(4, "new.png", "image", "444", false);
  },
}));

beforeEach(() => {
  uploads.length = 0;
  mockIPC(() => null, { shouldMockEvents: true });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

async function harness() {
  const { MediaField } = await import("./MediaField");
  let current = "";
  function H() {
    const [v, setV] = useState("");
    current = v;
    return <MediaField numberId={4} id="send-field-header" label="Header image (https link or media id)" kind="image" value={v} onChange={setV} />;
  }
  render(<H />);
  return () => current;
}

describe("media field", () => {
  it("offers the library's unexpired files of the header's kind and fills in the chosen media id", async () => {
    const value = await harness();
    const select = await waitFor(() => {
      const s = document.getElementById("send-field-header-library") as HTMLSelectElement | null;
      expect(s).not.toBeNull();
      return s!;
    });
    const options = [...select.options].map((o) => o.textContent);
    expect(options).toEqual(["Choose an uploaded file…", "banner.png · 2 KB · expires 2026-12-31"]);
    fireEvent.change(select, { target: { value: "111" } });
    expect(value()).toBe("111");
    expect((document.getElementById("send-field-header") as HTMLInputElement).value).toBe("111");
  });

  it("uploads a picked file into the library and uses its id", async () => {
    const value = await harness();
    const input = document.getElementById("send-field-header-file") as HTMLInputElement;
    await waitFor(() => expect(input.getAttribute("accept")).toBe("image/png,.png"));
    fireEvent.change(input, { target: { files: [new File([new Uint8Array([9])], "new.png")] } });
    await waitFor(() => expect(value()).toBe("444"));
    expect(uploads).toEqual([[4, "new.png", "CQ=="]]);
  });
});
