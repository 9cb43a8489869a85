import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ChatPreview } from "./ComponentsForm";

afterEach(cleanup);

describe("components preview", () => {
  it("shows the ice breakers to tap and the commands behind /, as a chat does", () => {
    render(
      <ChatPreview
        label="Shop"
        c={{
          enable_welcome_message: true,
          prompts: ["Where is my order?", " "],
          commands: [{ command_name: "repair", command_description: "Book a repair" }],
        }}
      />,
    );
    expect(screen.getByText("Where is my order?").className).toContain("chat-preview__breaker");
    expect(document.querySelectorAll(".chat-preview__breaker")).toHaveLength(1);
    expect(screen.getByText("/repair")).toBeTruthy();
    expect(screen.getByText(/opened the chat \(welcome requested\)/)).toBeTruthy();
  });

  it("says when nothing is configured", () => {
    render(<ChatPreview label="Shop" c={{ enable_welcome_message: false, prompts: [], commands: [] }} />);
    expect(screen.getByText("Nothing configured: the chat opens empty.")).toBeTruthy();
  });
});
