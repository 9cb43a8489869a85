import { useEffect, useState } from "react";
import { checkWebhookUrl } from "../ipc/commands";
import { toIpcError } from "../ipc/errors";

/** Checks the URL with the core's rules as the user types (debounced). */
export function useUrlCheck(url: string): string | null {
  const [reason, setReason] = useState<string | null>(null);
  useEffect(() => {
    if (!url) {
      setReason(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      checkWebhookUrl(url).then(
        () => live && setReason(null),
        (e) => live && setReason(toIpcError(e).message),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [url]);
  return reason;
}
