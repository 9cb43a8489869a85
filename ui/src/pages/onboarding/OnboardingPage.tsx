import { useEffect } from "react";
import { EmptyState } from "../../lib/components/EmptyState";
import { NumberPicker } from "../../lib/components/NumberPicker";
import { Page } from "../../lib/components/Page";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { useNumbers } from "../../lib/numbers";
import { BlockList } from "./BlockList";
import { ChecklistPanel } from "./ChecklistPanel";
import { ComponentsForm } from "./ComponentsForm";
import { HealthPanel } from "./HealthPanel";
import { ProfileForm } from "./ProfileForm";

/** Setting a number up: its checklist, health, business profile, conversational components and
 * block list. `#/setup` opens it; a checklist item's part (`profile`, `components`) is scrolled to. */
export function OnboardingPage() {
  const { numbers } = useNumbers();
  const withKey = numbers?.filter((n) => n.key_state !== "none") ?? [];
  const [numberId, setNumberId] = useChosenNumber({ canShowAll: false });
  const chosen = numbers?.find((n) => n.id === numberId) ?? null;

  return (
    <Page id="setup" title="Setup" lead="Everything a number needs before it goes live, with where each step is done.">
      {numbers !== null && withKey.length === 0 ? (
        <EmptyState title="No number to set up" icon="✓">
          <p>Add a number with its API key first; its setup checklist, business profile, conversational components and block list appear here.</p>
        </EmptyState>
      ) : (
        <>
          <div className="toolbar">
            <NumberPicker id="setup-number" numbers={numbers ?? []} value={numberId} onChange={setNumberId} />
          </div>
          {numberId !== null && chosen && (
            <SetupParts key={numberId} id={numberId} label={chosen.label} />
          )}
        </>
      )}
    </Page>
  );
}

function SetupParts({ id, label }: { id: number; label: string }) {
  // A link from the checklist names the part to show.
  useEffect(() => {
    const part = sessionStorage.getItem("setup-part");
    if (!part) return;
    sessionStorage.removeItem("setup-part");
    document.getElementById(`setup-${part}`)?.scrollIntoView?.({ block: "start" });
  }, []);
  return (
    <div className="setup">
      <ChecklistPanel id={id} />
      <HealthPanel id={id} />
      <ProfileForm id={id} />
      <ComponentsForm id={id} label={label} />
      <BlockList id={id} />
    </div>
  );
}
