import { type ReactNode, useLayoutEffect, useRef } from "react";

/** Open drawers, newest last: Escape closes only the newest. */
const open: symbol[] = [];

/**
 * A side panel over the page. It takes focus when it opens (the element marked
 * `data-autofocus` inside it, else the panel itself), closes with Escape, and on closing gives
 * focus back (unless another drawer opened instead): to `returnFocus()` if given (e.g. the table row that opened it, found again after
 * a re-render), else to whatever had focus before it opened, if that is still on the page.
 */
export function Drawer(props: {
  id?: string;
  labelledBy: string;
  onClose: () => void;
  returnFocus?: () => HTMLElement | null | undefined;
  children: ReactNode;
  data?: Record<string, string | number>;
}) {
  const box = useRef<HTMLElement>(null);
  const latest = useRef(props);
  latest.current = props;

  // A layout effect: focus moves in the same frame the panel appears.
  useLayoutEffect(() => {
    const me = Symbol("drawer");
    open.push(me);
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = box.current?.querySelector<HTMLElement>("[data-autofocus]") ?? box.current;
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented || open[open.length - 1] !== me) return;
      e.preventDefault();
      latest.current.onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      open.splice(open.indexOf(me), 1);
      const target = latest.current.returnFocus?.() ?? before;
      // After React removed the panel: the opener may itself re-render in the same commit.
      queueMicrotask(() => {
        const t = latest.current.returnFocus?.() ?? target;
        if (open.length === 0 && t?.isConnected) t.focus();
      });
    };
  }, []);

  const data = Object.fromEntries(Object.entries(props.data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <aside ref={box} className="drawer" id={props.id} aria-labelledby={props.labelledBy} tabIndex={-1} {...data}>
      {props.children}
    </aside>
  );
}
