import type { MessageDetail } from "../ipc/bindings/MessageDetail";
import { messageDetail } from "../ipc/commands";
import { useLoad } from "./useLoad";

/** Follows a sent message's status as the inbox records webhook events (read again on each change). */
export function useStatus(wamid: string | null): MessageDetail | null {
  const { data } = useLoad(() => (wamid ? messageDetail(wamid) : null), [wamid], ["messages"]);
  return wamid && data?.message.wamid === wamid ? data : null;
}
