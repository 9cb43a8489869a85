import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { getChecklist } from "../../lib/ipc/commands";
import { useLoad } from "../../lib/hooks/useLoad";

/** The number's onboarding checklist: each item says what is known and links where it is done. */
export function ChecklistPanel({ id }: { id: number }) {
  const list = useLoad(() => getChecklist(id), [id], ["onboarding", "numbers", "keys", "webhook", "messages", "inbox"]);
  const c = list.data;
  return (
    <section className="card" id="setup-checklist" aria-labelledby="setup-checklist-title">
      <h2 id="setup-checklist-title">
        Checklist {c && <span className="muted" id="setup-checklist-count">{c.done} of {c.total} done</span>}
      </h2>
      {list.error && <ErrorBanner error={list.error} />}
      {c && (
        <ol className="checklist">
          {c.items.map((item) => (
            <li key={item.step} data-step={item.step} data-done={item.done ? "true" : "false"}>
              <span className={item.done ? "badge badge--ok" : "badge"} aria-hidden="true">
                {item.done ? "✓" : "○"}
              </span>{" "}
              <a
                href={`#/${item.section}`}
                onClick={(e) => {
                  if (item.part) {
                    sessionStorage.setItem("setup-part", item.part);
                    if (item.section === "setup") {
                      e.preventDefault();
                      document.getElementById(`setup-${item.part}`)?.scrollIntoView?.({ block: "start" });
                    }
                  }
                }}
              >
                {item.label}
              </a>
              <span className="sr-only">{item.done ? " (done)" : " (to do)"}</span>
              <p className="hint">{item.detail}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
