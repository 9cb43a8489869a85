import type { ReactNode } from "react";

export function Page(props: { id: string; title: string; lead?: string; children: ReactNode }) {
  return (
    <main className="page" id={`page-${props.id}`} aria-labelledby={`page-${props.id}-title`} tabIndex={-1}>
      <header className="page__header">
        <h1 id={`page-${props.id}-title`}>{props.title}</h1>
        {props.lead && <p className="page__lead">{props.lead}</p>}
      </header>
      {props.children}
    </main>
  );
}
