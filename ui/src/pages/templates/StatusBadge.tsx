import { templateStatus } from "../../lib/vocabulary";

/** A template's review status (approved, pending, rejected, …) as a coloured badge; its plain words on hover. */
export function StatusBadge({ status }: { status: string }) {
  const s = status.toLowerCase();
  const t = templateStatus(status);
  return (
    <span className={`badge badge--status-${s}`} data-status={s} data-tone={t.tone} title={t.meaning}>
      {s}
    </span>
  );
}
