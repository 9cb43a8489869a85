import { useEffect, useState } from "react";
import { parseContact } from "../ipc/commands";

/** 360dialog's note on the recipient's country (Türkiye), read through the core's phone parser. */
export function useDeliveryNote(input: string): string | null {
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    if (!input.trim()) {
      setNote(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      parseContact(input).then(
        (c) => live && setNote(c?.delivery_note ?? null),
        () => live && setNote(null),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [input]);
  return note;
}
