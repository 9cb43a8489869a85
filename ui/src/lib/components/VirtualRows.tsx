import { memo, type ReactNode, useEffect, useLayoutEffect, useRef, useState } from "react";

/**
 * A windowed list: only the rows in view (plus a margin) are in the DOM, so 100k rows scroll
 * as smoothly as 100. Rows have a fixed height. `onNearEnd` asks for more when the user scrolls
 * close to the bottom, `onNearStart` close to the top. Arrow keys, Page Up/Down, Home and End
 * move the active row; Enter opens it (`onHome`/`onEnd`, when given, take Home and End instead).
 *
 * With `rowKey`, the rows may change under the view (rows added or dropped at either end): the
 * row at the top of the view and the active row keep their place, so nothing jumps. Only at the
 * very top of a list marked `stickToTop` do rows added above come into view. `jump` (a new token)
 * moves to the first or the last row. Row elements are reused as the view moves (keyed by their
 * slot, not by the row), so `render` must draw a row from its arguments alone.
 */
export function VirtualRows<T>(props: {
  id: string;
  label: string;
  rows: T[];
  rowHeight: number;
  height: number;
  header: ReactNode;
  render: (row: T, index: number, active: boolean) => ReactNode;
  rowProps?: (row: T) => Record<string, string>;
  onOpen?: (row: T) => void;
  onNearEnd?: () => void;
  onNearStart?: () => void;
  onHome?: () => void;
  onEnd?: () => void;
  rowKey?: (row: T) => string | number;
  stickToTop?: boolean;
  jump?: { to: "start" | "end"; token: number };
  /** The row at the top of the view, whenever it changes. */
  onView?: (row: T | undefined) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(0);
  const { rows, rowHeight, height, rowKey } = props;
  const margin = 10;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - margin);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / rowHeight) + margin);
  const top = Math.min(rows.length - 1, Math.floor(scrollTop / rowHeight));
  // The row elements are a fixed pool: row i takes slot i mod `pool`, a slot as large as the
  // rows that can be in the DOM at once. A row that stays in view keeps its element (and its
  // focus); one scrolled out lends its element to the row scrolling in, updated in place. So
  // scrolling, or a page of rows arriving at either end, creates no new row elements (each new
  // node would also cost the web process its accessibility object and layout boxes).
  const pool = Math.ceil(height / rowHeight) + 2 * margin + 1;

  // What the view showed before the rows changed: its rows, the stickiness, the last jump
  // (`active` is still the index into the previous rows when they change).
  const before = useRef({ rows, stick: props.stickToTop ?? false, jump: props.jump?.token });
  useLayoutEffect(() => {
    const prev = before.current;
    before.current = { rows, stick: props.stickToTop ?? false, jump: props.jump?.token };
    const el = box.current;
    if (!el) return;
    const to = (y: number) => {
      el.scrollTop = y;
      setScrollTop(el.scrollTop);
    };
    if (props.jump && props.jump.token !== prev.jump) {
      const end = props.jump.to === "end";
      setActive(end ? Math.max(0, rows.length - 1) : 0);
      to(end ? rows.length * rowHeight : 0);
      return;
    }
    if (prev.rows === rows || !rowKey) return;
    const at = (row: T | undefined) => (row === undefined ? -1 : rows.findIndex((r) => rowKey(r) === rowKey(row)));
    const activeAt = at(prev.rows[active]);
    setActive(activeAt >= 0 ? activeAt : Math.max(0, Math.min(active, rows.length - 1)));
    if (el.scrollTop === 0 && prev.stick) return;
    const topIndex = Math.floor(el.scrollTop / rowHeight);
    const anchor = at(prev.rows[topIndex]);
    if (anchor >= 0) to(anchor * rowHeight + (el.scrollTop - topIndex * rowHeight));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, props.jump?.token]);

  useEffect(() => {
    if (rows.length === 0) return;
    // Where the view is now (an anchoring above may have moved it since this render).
    const y = box.current?.scrollTop ?? scrollTop;
    if (Math.ceil((y + height) / rowHeight) + margin >= rows.length - margin) props.onNearEnd?.();
    if (Math.floor(y / rowHeight) <= 2 * margin) props.onNearStart?.();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [first, last, rows]);

  useEffect(() => {
    props.onView?.(rows[top]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [top, rows]);

  function move(to: number) {
    const i = Math.max(0, Math.min(rows.length - 1, to));
    setActive(i);
    const el = box.current;
    if (!el) return;
    const top = i * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + height) el.scrollTop = top + rowHeight - height;
  }

  function onKey(e: React.KeyboardEvent) {
    const page = Math.floor(height / rowHeight);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => (props.onHome ? props.onHome() : move(0)),
      End: () => (props.onEnd ? props.onEnd() : move(rows.length - 1)),
      Enter: () => rows[active] !== undefined && props.onOpen?.(rows[active]),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  }

  return (
    <div className="vtable" role="table" aria-label={props.label} aria-rowcount={rows.length} id={props.id}>
      <div role="rowgroup" className="vtable__head">
        {props.header}
      </div>
      <div
        ref={box}
        role="rowgroup"
        className="vtable__body"
        // Rows are placed absolutely; the view is kept by the anchoring above, never the browser's.
        style={{ height, overflowAnchor: "none" }}
        tabIndex={0}
        onKeyDown={onKey}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        aria-activedescendant={rows.length ? `${props.id}-row-${active}` : undefined}
      >
        <div style={{ height: rows.length * rowHeight, position: "relative" }}>
          {rows.slice(first, last).map((row, k) => {
            const i = first + k;
            return (
              <Row
                key={i % pool}
                id={`${props.id}-row-${i}`}
                index={i}
                row={row}
                active={i === active}
                rowHeight={rowHeight}
                render={props.render}
                rowProps={props.rowProps}
                onSelect={setActive}
                onOpen={props.onOpen}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

type RowArgs<T> = {
  id: string;
  index: number;
  row: T;
  active: boolean;
  rowHeight: number;
  render: (row: T, index: number, active: boolean) => ReactNode;
  rowProps?: (row: T) => Record<string, string>;
  onSelect: (index: number) => void;
  onOpen?: (row: T) => void;
};

function RowOf<T>(p: RowArgs<T>) {
  const i = p.index;
  return (
    <div
      id={p.id}
      role="row"
      aria-rowindex={i + 1}
      aria-selected={p.active}
      className="vtable__row"
      style={{ position: "absolute", top: i * p.rowHeight, height: p.rowHeight, left: 0, right: 0 }}
      onClick={() => p.onSelect(i)}
      onDoubleClick={() => p.onOpen?.(p.row)}
      {...p.rowProps?.(p.row)}
    >
      {p.render(p.row, i, p.active)}
    </div>
  );
}

/** A row is drawn again only when its row, place or activeness changes, not on every scroll. */
const Row = memo(RowOf) as typeof RowOf;
