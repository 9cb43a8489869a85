import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VirtualRows } from "./VirtualRows";

afterEach(cleanup);

describe("VirtualRows", () => {
  const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: i, text: `row ${i}` }));

  function setup(onOpen = vi.fn(), onNearEnd = vi.fn()) {
    render(
      <VirtualRows
        id="t"
        label="Rows"
        rows={rows}
        rowHeight={40}
        height={400}
        header={<div role="row">head</div>}
        render={(r) => <span role="cell">{r.text}</span>}
        onOpen={onOpen}
        onNearEnd={onNearEnd}
      />,
    );
    return { onOpen, onNearEnd };
  }

  it("keeps only the rows in view in the DOM", () => {
    setup();
    const rendered = document.querySelectorAll(".vtable__body [role='row']");
    expect(rendered.length).toBeLessThan(40);
    expect(screen.getByText("row 0")).toBeTruthy();
    expect(screen.queryByText("row 500")).toBeNull();
    expect(screen.getByRole("table").getAttribute("aria-rowcount")).toBe("100000");
  });

  it("renders the rows scrolled to, and asks for more near the end", () => {
    const { onNearEnd } = setup();
    const body = document.querySelector(".vtable__body") as HTMLElement;
    body.scrollTop = 50_000 * 40;
    fireEvent.scroll(body);
    expect(screen.getByText("row 50000")).toBeTruthy();
    expect(onNearEnd).not.toHaveBeenCalled();
    body.scrollTop = 99_995 * 40;
    fireEvent.scroll(body);
    expect(onNearEnd).toHaveBeenCalled();
  });

  it("moves with the keyboard and opens with Enter", () => {
    const { onOpen } = setup();
    const body = document.querySelector(".vtable__body") as HTMLElement;
    fireEvent.keyDown(body, { key: "ArrowDown" });
    fireEvent.keyDown(body, { key: "ArrowDown" });
    fireEvent.keyDown(body, { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith(rows[2]);
    fireEvent.keyDown(body, { key: "End" });
    fireEvent.keyDown(body, { key: "Enter" });
    expect(onOpen).toHaveBeenLastCalledWith(rows[99_999]);
    expect(body.getAttribute("aria-activedescendant")).toBe("t-row-99999");
  });
});
