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

  describe("with changing rows", () => {
    type R = { id: number; text: string };
    const make = (from: number, to: number): R[] =>
      Array.from({ length: from - to + 1 }, (_, i) => ({ id: from - i, text: `row ${from - i}` }));

    function table(props: { rows: R[]; stick?: boolean; jump?: { to: "start" | "end"; token: number }; onNearStart?: () => void; onView?: (r: R | undefined) => void; onHome?: () => void }) {
      return (
        <VirtualRows
          id="t"
          label="Rows"
          rows={props.rows}
          rowHeight={40}
          height={400}
          header={<div role="row">head</div>}
          render={(r: R) => <span role="cell">{r.text}</span>}
          rowKey={(r) => r.id}
          stickToTop={props.stick}
          jump={props.jump}
          onNearStart={props.onNearStart}
          onView={props.onView}
          onHome={props.onHome}
        />
      );
    }
    const body = () => document.querySelector(".vtable__body") as HTMLElement;
    const scrollTo = (y: number) => {
      body().scrollTop = y;
      fireEvent.scroll(body());
    };

    it("keeps the row in view and the active row when rows are added above and dropped below", () => {
      const onView = vi.fn();
      const { rerender } = render(table({ rows: make(500, 301), onView }));
      scrollTo(50 * 40 + 15); // row 450 at the top, 15 px into it
      expect(onView).toHaveBeenLastCalledWith(expect.objectContaining({ id: 450 }));
      fireEvent.click(screen.getByText("row 450"));
      fireEvent.keyDown(body(), { key: "ArrowDown" });
      expect(body().getAttribute("aria-activedescendant")).toBe("t-row-51");
      // A page newer than the first row arrives; the oldest rows leave.
      rerender(table({ rows: make(600, 401), onView }));
      expect(body().scrollTop).toBe(150 * 40 + 15);
      expect(onView).toHaveBeenLastCalledWith(expect.objectContaining({ id: 450 }));
      expect(body().getAttribute("aria-activedescendant")).toBe("t-row-151");
      expect(screen.getByText("row 450")).toBeTruthy();
    });

    it("keeps the view when rows leave at the top (scrolling down)", () => {
      const { rerender } = render(table({ rows: make(500, 301) }));
      scrollTo(180 * 40); // row 320
      rerender(table({ rows: make(400, 201) }));
      expect(body().scrollTop).toBe(80 * 40);
      expect(screen.getByText("row 320")).toBeTruthy();
    });

    it("at the very top of the newest rows, new rows come into view; scrolled down they do not move it", () => {
      const { rerender } = render(table({ rows: make(100, 1), stick: true }));
      rerender(table({ rows: make(102, 1), stick: true }));
      expect(body().scrollTop).toBe(0);
      expect(screen.getByText("row 102")).toBeTruthy();
      scrollTo(40 * 40);
      rerender(table({ rows: make(105, 1), stick: true }));
      expect(body().scrollTop).toBe(43 * 40);
    });

    it("asks for newer rows near the top, and jumps to either end on a new token", () => {
      const onNearStart = vi.fn();
      const onHome = vi.fn();
      const rows = make(500, 301);
      const { rerender } = render(table({ rows, onNearStart, onHome, jump: { to: "start", token: 0 } }));
      scrollTo(100 * 40);
      onNearStart.mockClear();
      scrollTo(5 * 40);
      expect(onNearStart).toHaveBeenCalled();
      fireEvent.keyDown(body(), { key: "Home" });
      expect(onHome).toHaveBeenCalled();
      rerender(table({ rows, onNearStart, onHome, jump: { to: "end", token: 1 } }));
      expect(body().scrollTop).toBe(200 * 40);
      expect(body().getAttribute("aria-activedescendant")).toBe("t-row-199");
      rerender(table({ rows: make(900, 701), onNearStart, onHome, jump: { to: "start", token: 2 } }));
      expect(body().scrollTop).toBe(0);
      expect(body().getAttribute("aria-activedescendant")).toBe("t-row-0");
    });
  });
});
