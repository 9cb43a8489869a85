import { useEffect, useState } from "react";
import { checkWebhookUrl } from "../ipc/commands";
import { toIpcError } from "../ipc/errors";

/**
 * Checks the URL with the core's rules for number `numberId` as the user types (debounced):
 * a simulator number may point at this computer, the others follow 360dialog's rules.
 */
export function useUrlCheck(url: string, numberId: number | null): string | null {
  const [reason, setReason] = useState<string | null>(null);
  useEffect(() => {
    if (!url) {
      setReason(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      checkWebhookUrl(url, numberId).then(
        () => live && setReason(null),
        (e) => live && setReason(toIpcError(e).message),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [url, numberId]);
  return reason;
}
