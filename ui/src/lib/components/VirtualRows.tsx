import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * A windowed list: only the rows in view (plus a margin) are in the DOM, so 100k rows scroll
 * as smoothly as 100. Rows have a fixed height. `onNearEnd` asks for more when the user scrolls
 * close to the bottom. Arrow keys, Page Up/Down, Home and End move the active row; Enter opens it.
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
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(0);
  const { rows, rowHeight, height } = props;
  const margin = 10;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - margin);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / rowHeight) + margin);

  useEffect(() => {
    if (last >= rows.length - margin && rows.length > 0) props.onNearEnd?.();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [last, rows.length]);

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
      Home: () => move(0),
      End: () => move(rows.length - 1),
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
        style={{ height }}
        tabIndex={0}
        onKeyDown={onKey}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        aria-activedescendant={rows.length ? `${props.id}-row-${active}` : undefined}
      >
        <div style={{ height: rows.length * rowHeight, position: "relative" }}>
          {rows.slice(first, last).map((row, k) => {
            const i = first + k;
            return (
              <div
                key={i}
                id={`${props.id}-row-${i}`}
                role="row"
                aria-rowindex={i + 1}
                aria-selected={i === active}
                className="vtable__row"
                style={{ position: "absolute", top: i * rowHeight, height: rowHeight, left: 0, right: 0 }}
                onClick={() => setActive(i)}
                onDoubleClick={() => props.onOpen?.(row)}
                {...props.rowProps?.(row)}
              >
                {props.render(row, i, i === active)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
