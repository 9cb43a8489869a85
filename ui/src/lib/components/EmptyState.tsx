import type { ReactNode } from "react";

export function EmptyState(props: { title: string; children: ReactNode; icon?: string }) {
  return (
    <section className="empty-state" aria-label={props.title}>
      {props.icon && (
        <div className="empty-state__icon" aria-hidden="true">
          {props.icon}
        </div>
      )}
      <h2>{props.title}</h2>
      <div className="empty-state__body">{props.children}</div>
    </section>
  );
}
