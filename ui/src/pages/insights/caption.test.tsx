import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { captionOf, ChartCard } from "./charts";
import { captionHeight } from "./png";

describe("a saved chart's caption", () => {
  it("carries the title, the period and every legend entry with its colour", () => {
    const { container } = render(
      <ChartCard
        id="volume"
        title="Messages per day"
        subtitle="2026-11-01 00:00 to 2026-12-01 00:00 UTC · all numbers"
        legend={[
          { key: "read", label: "read" },
          { key: "failed", label: "failed" },
        ]}
        summary="s"
        onCsv={async () => ""}
        onPng={async () => ""}
      >
        <svg viewBox="0 0 720 220" />
      </ChartCard>,
    );
    const figure = container.querySelector(".insights__figure") as HTMLElement;
    const caption = captionOf(figure, "Messages per day", "2026-11-01 00:00 to 2026-12-01 00:00 UTC · all numbers");
    expect(caption.title).toBe("Messages per day");
    expect(caption.subtitle).toContain("all numbers");
    expect(caption.legend?.map((l) => l.label)).toEqual(["read", "failed"]);
    for (const l of caption.legend ?? []) expect(l.color).not.toBe("");
    // Room is made above the chart for each line of the caption.
    expect(captionHeight(caption)).toBe(28 + 18 + 22);
    expect(captionHeight({ title: "t" })).toBe(28);
    expect(captionHeight(undefined)).toBe(0);
  });
});
