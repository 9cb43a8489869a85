/** A template's review status (approved, pending, rejected, …) as a coloured badge. */
export function StatusBadge({ status }: { status: string }) {
  const s = status.toLowerCase();
  return (
    <span className={`badge badge--status-${s}`} data-status={s}>
      {s}
    </span>
  );
}
