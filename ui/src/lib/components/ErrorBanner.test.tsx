import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorBanner } from "./ErrorBanner";

afterEach(cleanup);

describe("ErrorBanner", () => {
  it("shows the plain words and keeps the raw text behind Details", () => {
    render(
      <ErrorBanner
        error={{
          code: "network",
          message: "network problem: the connection to 127.0.0.1:1 was refused: nothing is listening there",
          details: "error sending request for url (http://127.0.0.1:1/health_status): Connection refused (os error 111)",
        }}
      />,
    );
    const alert = screen.getByRole("alert");
    expect(alert.querySelector("p")?.textContent).not.toContain("os error");
    const details = alert.querySelector("details")!;
    expect(details.open).toBe(false);
    fireEvent.click(screen.getByText("Details"));
    expect(details.textContent).toContain("os error 111");
  });

  it("has no Details when there is no raw text", () => {
    render(<ErrorBanner error={{ code: "validation", message: "write a message" }} />);
    expect(screen.queryByText("Details")).toBeNull();
  });
});
