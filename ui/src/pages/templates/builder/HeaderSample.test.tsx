import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UploadProgress } from "../../../lib/ipc/bindings/UploadProgress";

const MB = 1024 * 1024;
const TYPES = [
  { mime: "image/jpeg", kind: "image", max_bytes: 5 * MB, extensions: ["jpg", "jpeg"], sample: true },
  { mime: "image/png", kind: "image", max_bytes: 5 * MB, extensions: ["png"], sample: true },
  { mime: "image/webp", kind: "sticker", max_bytes: 500 * 1024, extensions: ["webp"], sample: false },
  { mime: "video/mp4", kind: "video", max_bytes: 16 * MB, extensions: ["mp4"], sample: true },
  { mime: "application/pdf", kind: "document", max_bytes: 100 * MB, extensions: ["pdf"], sample: true },
];

type Pending = { args: unknown[]; onProgress: (p: UploadProgress) => void; resolve: (v: unknown) => void; reject: (e: unknown) => void };
const uploads: Pending[] = [];

vi.mock("../../../lib/ipc/commands", () => ({
  mediaTypes: async () => TYPES,
  uploadSample: (...args: unknown[]) =>
    new Promise((resolve, reject) => {
      uploads.push({ args: args.slice(0, 4), onProgress: args[4] as (p: UploadProgress) => void, resolve, reject });
    }),
}));

function Harness() {
  const [handle, setHandle] = useState("");
  const { HeaderSample } = harness;
  return <HeaderSample numberId={3} format="IMAGE" handle={handle} onHandle={setHandle} />;
}
const harness: { HeaderSample: typeof import("./HeaderSample").HeaderSample } = {} as never;

function pick(file: File) {
  const input = document.getElementById("tpl-header-file") as HTMLInputElement;
  fireEvent.change(input, { target: { files: [file] } });
}

beforeEach(async () => {
  uploads.length = 0;
  harness.HeaderSample = (await import("./HeaderSample")).HeaderSample;
  (await import("../../../lib/files")).resetMediaTypes();
});
afterEach(cleanup);

describe("header sample", () => {
  it("uploads the picked file with a progress bar and fills in the handle", async () => {
    render(<Harness />);
    await waitFor(() => expect(document.getElementById("tpl-header-file")?.getAttribute("accept")).toBe("image/jpeg,.jpg,.jpeg,image/png,.png"));
    pick(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4])], "sale.png", { type: "image/png" }));
    await waitFor(() => expect(uploads).toHaveLength(1));
    // The bytes go to the core as base64, with the header's format.
    expect(uploads[0].args).toEqual([3, "sale.png", "iVBORwECAwQ=", "IMAGE"]);
    uploads[0].onProgress({ sent: 4, total: 8, resumes: 0 });
    await waitFor(() => expect(document.getElementById("tpl-header-progress")?.textContent).toContain("4 bytes of 8 bytes"));
    expect((document.querySelector("#tpl-header-progress progress") as HTMLProgressElement).value).toBe(4);
    uploads[0].onProgress({ sent: 2, total: 8, resumes: 1 });
    await waitFor(() => expect(document.getElementById("tpl-header-progress")?.textContent).toContain("resumed once"));
    // A late report of the cut transfer does not take the bar back.
    uploads[0].onProgress({ sent: 8, total: 8, resumes: 0 });
    uploads[0].onProgress({ sent: 6, total: 8, resumes: 1 });
    await waitFor(() => expect(document.getElementById("tpl-header-progress")?.textContent).toContain("6 bytes of 8 bytes"));
    expect(document.getElementById("tpl-header-progress")?.textContent).toContain("resumed once");
    uploads[0].resolve({ handle: "4::aW1n:abc", file_name: "sale.png", mime_type: "image/png", size: 8, resumes: 1 });
    await waitFor(() => expect((document.getElementById("tpl-header-handle") as HTMLInputElement).value).toBe("4::aW1n:abc"));
    expect(screen.getByRole("status").textContent).toContain("sale.png uploaded");
    expect(document.getElementById("tpl-header-progress")).toBeNull();
  });

  it("refuses a file Meta would refuse before uploading anything", async () => {
    render(<Harness />);
    await waitFor(() => expect(document.getElementById("tpl-header-file")?.getAttribute("accept")).not.toBeNull());
    pick(new File(["GIF89a"], "anim.gif", { type: "image/gif" }));
    expect((await screen.findByRole("alert")).textContent).toBe("anim.gif cannot be used here: pick JPG, PNG");
    const big = new File([new Uint8Array(5 * MB + 1)], "big.jpg", { type: "image/jpeg" });
    pick(big);
    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe("big.jpg is 5.0 MB; WhatsApp takes image/jpeg files of at most 5 MB"));
    expect(uploads).toHaveLength(0);
  });

  it("shows the core's refusal at the file, and other errors with their details", async () => {
    render(<Harness />);
    await waitFor(() => expect(document.getElementById("tpl-header-file")?.getAttribute("accept")).not.toBeNull());
    pick(new File([new Uint8Array([1, 2, 3])], "renamed.png"));
    await waitFor(() => expect(uploads).toHaveLength(1));
    uploads[0].reject({ code: "validation", message: "renamed.png does not look like a image/png file inside", field: "file" });
    await waitFor(() => expect(document.getElementById("tpl-header-file-error")?.textContent).toContain("does not look like"));
    expect(document.getElementById("tpl-header-file")?.getAttribute("aria-invalid")).toBe("true");

    pick(new File([new Uint8Array([1, 2, 3])], "ok.png"));
    await waitFor(() => expect(uploads).toHaveLength(2));
    uploads[1].reject({ code: "network", message: "the connection to 360dialog was cut", details: "connection reset by peer" });
    await waitFor(() => expect(document.querySelector(".error-banner")?.textContent).toContain("connection reset by peer"));
    expect((document.getElementById("tpl-header-handle") as HTMLInputElement).value).toBe("");
  });
});
