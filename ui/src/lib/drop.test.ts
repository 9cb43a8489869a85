import { afterEach, describe, expect, it, vi } from "vitest";

const calls: string[] = [];
vi.mock("./ipc/commands", () => ({
  importInbox: async (content: string) => {
    calls.push(`inbox:${content.length}`);
    return { total: 2, new: 1, duplicates: 1 };
  },
  importTemplate: async (json: string) => {
    calls.push("template");
    if (!json.includes("components")) throw { code: "validation", message: "not a template-create JSON" };
    return { name: "order_shipped" };
  },
}));

afterEach(() => {
  calls.length = 0;
  location.hash = "";
});

/** A dropped file as the webview hands it over (jsdom's File has no text()). */
const file = (content: string, name: string) => ({ name, text: async () => content }) as unknown as File;

const capture = JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "1", changes: [] }] });
const template = JSON.stringify({ name: "order_shipped", category: "UTILITY", language: "en_US", components: [] });

describe("a file dropped on the window", () => {
  it("tells a captured webhook payload from a template JSON", async () => {
    const { droppedKind } = await import("./drop");
    expect(droppedKind(capture)).toBe("capture");
    expect(droppedKind(`${capture}\n${capture}\n`)).toBe("capture");
    expect(droppedKind(template)).toBe("template");
  });

  it("imports a capture into the inbox and goes there", async () => {
    const { handleDrop } = await import("./drop");
    const words = await handleDrop(file(capture, "events.jsonl"));
    expect(words).toBe("events.jsonl: 2 events, 1 new, 1 already known.");
    expect(calls).toEqual([`inbox:${capture.length}`]);
    expect(location.hash).toBe("#/inbox");
  });

  it("opens a template in the builder once, and names the core's refusal", async () => {
    const { handleDrop, takeDroppedDraft } = await import("./drop");
    expect(await handleDrop(file(template, "t.json"))).toBe("t.json opened in the template builder.");
    expect(location.hash).toMatch(/^#\/templates\?dropped=\d+$/);
    expect(takeDroppedDraft()).toEqual({ name: "order_shipped" });
    expect(takeDroppedDraft()).toBeNull();
    await expect(handleDrop(file("{}", "x.json"))).rejects.toMatchObject({ message: "not a template-create JSON" });
  });
});
