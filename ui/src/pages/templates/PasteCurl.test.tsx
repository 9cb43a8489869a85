import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CurlImport } from "../../lib/ipc/bindings/CurlImport";

const seen: string[] = [];

vi.mock("../../lib/ipc/commands", () => ({
  importCurl: async (_n: number, command: string) => {
    seen.push(command);
    if (!command.includes("/messages")) throw { code: "validation", message: "only a send (POST …/messages) opens as a test-send" };
    return { to: "4915123456789", name: "order_shipped", language: "en_US", values: { "body.1": "Bo" }, notes: [] };
  },
}));

afterEach(() => {
  cleanup();
  seen.length = 0;
});

describe("Paste curl", () => {
  it("opens the pasted send as a test-send, or says why not", async () => {
    const { PasteCurl } = await import("./PasteCurl");
    const opened: CurlImport[] = [];
    render(<PasteCurl numberId={1} onCancel={() => {}} onOpen={(c) => opened.push(c)} />);
    const open = screen.getByRole("button", { name: "Open as test-send" });
    expect(open.hasAttribute("disabled")).toBe(true);
    fireEvent.change(screen.getByLabelText("curl or HTTPie command"), { target: { value: "curl -X GET 'https://x/health_status'" } });
    fireEvent.click(open);
    expect(await screen.findByText(/only a send/)).toBeTruthy();
    expect(opened).toEqual([]);
    const curl = "curl -X POST 'https://x/messages' -d '{}'";
    fireEvent.change(screen.getByLabelText("curl or HTTPie command"), { target: { value: curl } });
    fireEvent.click(open);
    await waitFor(() => expect(opened).toHaveLength(1));
    expect(opened[0].name).toBe("order_shipped");
    expect(seen.at(-1)).toBe(curl);
  });
});
