import { useEffect, useState } from "react";
import type { NumberView } from "../ipc/bindings/NumberView";
import { routeParams } from "../sections";

/** The current route's parameters (what a `wabadesk://` link asked for), following hash changes. */
export function useRouteParams(): URLSearchParams {
  const [params, setParams] = useState(() => routeParams(location.hash));
  useEffect(() => {
    const onHash = () => setParams(routeParams(location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return params;
}

/** The number a link names: its phone as stored (E.164), the same digits, or its label. */
export function numberNamed(numbers: NumberView[], named: string): NumberView | undefined {
  const digits = named.replace(/\D/g, "");
  return (
    numbers.find((n) => n.phone === named || n.label === named) ??
    (digits ? numbers.find((n) => n.phone.replace(/\D/g, "") === digits) : undefined)
  );
}
