import { useMemo, useState } from "react";
import { EmptyState } from "../../lib/components/EmptyState";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { Page } from "../../lib/components/Page";
import { useLoad } from "../../lib/hooks/useLoad";
import { historyHref, type HistoryLink } from "../../lib/historyLink";
import type { Insights } from "../../lib/ipc/bindings/Insights";
import type { InsightsFilter } from "../../lib/ipc/bindings/InsightsFilter";
import type { MessageStatus } from "../../lib/ipc/bindings/MessageStatus";
import type { OutCounts } from "../../lib/ipc/bindings/OutCounts";
import { exportInsightsCsv, insights, saveInsightsPng } from "../../lib/ipc/commands";
import { useNumbers } from "../../lib/numbers";
import { type BarPoint, ChartCard, HBars, pct, RateLines, StackedBars } from "./charts";
import { InsightsFilters, type Period, periodFilter } from "./InsightsFilters";

/** The volume chart's segments, bottom first: outbound by final status, then inbound. */
const SEGMENTS: { key: keyof OutCounts; css: string; label: string; status: MessageStatus | null }[] = [
  { key: "read", css: "read", label: "read", status: "read" },
  { key: "delivered", css: "delivered", label: "delivered", status: "delivered" },
  { key: "sent", css: "sent", label: "sent (no delivery yet)", status: "sent" },
  { key: "pending", css: "pending", label: "accepted (no status yet)", status: "accepted" },
  { key: "failed", css: "failed", label: "failed", status: "failed" },
  { key: "not_sent", css: "not_sent", label: "not sent", status: "not_sent" },
  { key: "inbound", css: "received", label: "received", status: null },
];

const fmt = (n: number) => n.toLocaleString();

/** A bucket's label: the day (`11-30`) or the hour (`11-30 14h`). */
function bucketLabel(key: string): string {
  return key.length > 10 ? `${key.slice(5, 10)} ${key.slice(11)}h` : key.slice(5);
}

function change(now: number | null, before: number | null): string {
  if (now == null || before == null) return "";
  const d = (now - before) * 100;
  if (Math.abs(d) < 0.05) return " (no change)";
  return ` (${d > 0 ? "+" : "−"}${Math.abs(d).toFixed(1)} points)`;
}

function rateOf(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

function wentOut(c: OutCounts) {
  return c.pending + c.sent + c.delivered + c.read + c.failed;
}

export function InsightsPage() {
  const { numbers } = useNumbers();
  const [numberIds, setNumberIds] = useState<number[]>([]);
  const [period, setPeriod] = useState<Period>({ preset: "30d", since: "", until: "" });
  const [template, setTemplate] = useState("");
  const [language, setLanguage] = useState("");
  const filter: InsightsFilter = useMemo(
    () => ({
      number_ids: numberIds,
      ...periodFilter(period),
      template: template.trim() || null,
      language: language.trim() || null,
      bucket: null,
    }),
    [numberIds, period, template, language],
  );
  const { data, error } = useLoad(() => insights(filter), [JSON.stringify(filter)], ["messages"]);

  return (
    <Page id="insights" title="Insights" lead="What your history says: volume, delivery and read rates, templates, failures and reply times. Days and hours are UTC.">
      <InsightsFilters
        numbers={numbers ?? []}
        numberIds={numberIds}
        onNumbers={setNumberIds}
        period={period}
        onPeriod={setPeriod}
        template={template}
        onTemplate={setTemplate}
        language={language}
        onLanguage={setLanguage}
        templates={data?.templates.map((t) => t.template) ?? []}
        languages={data?.templates.map((t) => t.language ?? "") ?? []}
      />
      {error && <ErrorBanner error={error} />}
      {data && <Figures data={data} filter={filter} />}
    </Page>
  );
}

function Figures({ data, filter }: { data: Insights; filter: InsightsFilter }) {
  // Every chart links to History with the same filter (History shows one number, or all).
  const base: Partial<HistoryLink> = {
    number_id: filter.number_ids.length === 1 ? filter.number_ids[0] : null,
    since: data.since,
    until: data.until,
    template: filter.template,
    language: filter.language,
  };
  const link = (extra: Partial<HistoryLink>) => historyHref({ ...base, ...extra });
  const csv = (chart: Parameters<typeof exportInsightsCsv>[1]) => () => exportInsightsCsv(filter, chart);
  const png = (chart: Parameters<typeof saveInsightsPng>[0]) => (bytes: Uint8Array) => saveInsightsPng(chart, bytes);
  const t = data.totals;
  const span = [
    `${data.since.slice(0, 16).replace("T", " ")} to ${data.until.slice(0, 16).replace("T", " ")} UTC`,
    filter.template ? `template ${filter.template}${filter.language ? ` (${filter.language})` : ""}` : null,
    filter.number_ids.length ? `${filter.number_ids.length} number${filter.number_ids.length === 1 ? "" : "s"}` : "all numbers",
  ]
    .filter(Boolean)
    .join(" · ");
  const p = data.previous_totals;
  const labels = data.series.map((s) => bucketLabel(s.key));
  const points: BarPoint[] = data.series.map((s, i) => ({
    label: labels[i],
    href: link({ since: s.start, until: s.end }),
    segmentHref: (key) => {
      const seg = SEGMENTS.find((x) => x.css === key);
      return seg?.status
        ? link({ since: s.start, until: s.end, direction: "out", status: seg.status })
        : link({ since: s.start, until: s.end, direction: "in" });
    },
    segments: SEGMENTS.map((seg) => ({ key: seg.css, label: seg.label, value: s.counts[seg.key] })),
  }));
  const unit = data.bucket === "hour" ? "hour" : "day";
  const multiple = filter.number_ids.length > 1;

  if (wentOut(t) + t.inbound + wentOut(p) + p.inbound === 0) {
    return (
      <EmptyState title="Nothing to chart yet" icon="▥">
        <p>
          Insights draws what History holds: messages sent from WABA Desk and events the inbox received. None fall in
          this period or the one before; choose a longer period, or send a message first.
        </p>
      </EmptyState>
    );
  }

  return (
    <>
      {multiple && <p className="hint">History shows one number or all: the links from these charts open History for all numbers.</p>}
      <section className="insights__totals" aria-label="Totals">
        <a className="insights__total" id="insights-total-sent" href={link({ direction: "out" })}>
          <span className="insights__total-value">{fmt(wentOut(t))}</span>
          <span>sent (previous period {fmt(wentOut(p))})</span>
        </a>
        <a className="insights__total" id="insights-total-delivery" href={link({ direction: "out", status: "delivered" })}>
          <span className="insights__total-value">{pct(rateOf(t.delivered + t.read, wentOut(t)))}</span>
          <span>delivered{change(rateOf(t.delivered + t.read, wentOut(t)), rateOf(p.delivered + p.read, wentOut(p)))}</span>
        </a>
        <a className="insights__total" id="insights-total-read" href={link({ direction: "out", status: "read" })}>
          <span className="insights__total-value">{pct(rateOf(t.read, t.delivered + t.read))}</span>
          <span>of delivered read{change(rateOf(t.read, t.delivered + t.read), rateOf(p.read, p.delivered + p.read))}</span>
        </a>
        <a className="insights__total" id="insights-total-failed" href={link({ direction: "out", status: "failed" })}>
          <span className="insights__total-value">{pct(rateOf(t.failed, wentOut(t)))}</span>
          <span>failed{change(rateOf(t.failed, wentOut(t)), rateOf(p.failed, wentOut(p)))}</span>
        </a>
        <a className="insights__total" id="insights-total-received" href={link({ direction: "in" })}>
          <span className="insights__total-value">{fmt(t.inbound)}</span>
          <span>received (previous period {fmt(p.inbound)})</span>
        </a>
      </section>

      <ChartCard
        subtitle={span}
        id="volume"
        title={`Messages per ${unit}`}
        summary={`${fmt(wentOut(t))} sent and ${fmt(t.inbound)} received from ${data.since.slice(0, 16).replace("T", " ")} to ${data.until.slice(0, 16).replace("T", " ")} UTC, by final status. Each bar opens those messages in History.`}
        legend={SEGMENTS.map((s) => ({ key: s.css, label: s.label }))}
        onCsv={csv("volume")}
        onPng={png("volume")}
        table={
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{unit === "hour" ? "Hour" : "Day"}</th>
                {SEGMENTS.map((s) => (
                  <th scope="col" key={s.key}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.series.map((s, i) => (
                <tr key={s.key}>
                  <th scope="row">
                    <a href={points[i].href}>{s.key.replace("T", " ")}</a>
                  </th>
                  {SEGMENTS.map((seg) => (
                    <td key={seg.key}>{fmt(s.counts[seg.key])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        }
      >
        <StackedBars points={points} title={`Messages per ${unit} by final status`} />
      </ChartCard>

      <ChartCard
        subtitle={span}
        id="rates"
        title="Delivery and read rates"
        summary={`Delivered: ${pct(rateOf(t.delivered + t.read, wentOut(t)))} of sent; read: ${pct(rateOf(t.read, t.delivered + t.read))} of delivered, over the period.`}
        legend={[
          { key: "delivery", label: "delivered of sent" },
          { key: "readrate", label: "read of delivered" },
        ]}
        onCsv={csv("rates")}
        onPng={png("rates")}
        table={
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{unit === "hour" ? "Hour" : "Day"}</th>
                <th scope="col">Delivered of sent</th>
                <th scope="col">Read of delivered</th>
              </tr>
            </thead>
            <tbody>
              {data.series.map((s, i) => (
                <tr key={s.key}>
                  <th scope="row">
                    <a href={points[i].href}>{s.key.replace("T", " ")}</a>
                  </th>
                  <td>{pct(s.delivery_rate)}</td>
                  <td>{pct(s.read_rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      >
        <RateLines
          labels={labels}
          title="Delivery and read rates over time"
          series={[
            { key: "delivery", label: "delivered of sent", values: data.series.map((s) => s.delivery_rate) },
            { key: "readrate", label: "read of delivered", values: data.series.map((s) => s.read_rate) },
          ]}
        />
      </ChartCard>

      <ChartCard
        subtitle={span}
        id="templates"
        title="Templates"
        summary={data.templates.length ? `${data.templates.length} template and language pairs; change is against the previous period of the same length.` : "No template was sent in this period."}
        onCsv={csv("templates")}
        onPng={png("templates")}
      >
        <HBars
          title="Sent per template and language"
          rows={data.templates.map((r) => ({
            key: `${r.template}/${r.language ?? ""}`,
            label: `${r.template} (${r.language ?? "no language"})`,
            value: r.sent,
            href: link({ direction: "out", template: r.template, language: r.language }),
          }))}
        />
        <table className="table" id="insights-templates-table">
          <thead>
            <tr>
              <th scope="col">Template</th>
              <th scope="col">Sent</th>
              <th scope="col">Delivered</th>
              <th scope="col">Read</th>
              <th scope="col">Failed</th>
            </tr>
          </thead>
          <tbody>
            {data.templates.map((r) => (
              <tr key={`${r.template}/${r.language ?? ""}`}>
                <th scope="row">
                  <a href={link({ direction: "out", template: r.template, language: r.language })}>
                    {r.template} <span className="hint">({r.language ?? "no language"})</span>
                  </a>
                </th>
                <td>
                  {fmt(r.sent)} <span className="hint">(before {fmt(r.previous_sent)})</span>
                </td>
                <td>
                  {fmt(r.delivered)} · {pct(r.delivery_rate)}
                  <span className="hint">{change(r.delivery_rate, r.delivery_rate == null || r.delivery_rate_change == null ? null : r.delivery_rate - r.delivery_rate_change)}</span>
                </td>
                <td>
                  {fmt(r.read)} · {pct(r.read_rate)}
                  <span className="hint">{change(r.read_rate, r.read_rate == null || r.read_rate_change == null ? null : r.read_rate - r.read_rate_change)}</span>
                </td>
                <td>
                  {fmt(r.failed)} · {pct(r.failure_rate)}
                  <span className="hint">{change(r.failure_rate, r.failure_rate == null || r.failure_rate_change == null ? null : r.failure_rate - r.failure_rate_change)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ChartCard>

      <ChartCard
        subtitle={span}
        id="errors"
        title="Failures by error code"
        summary={data.errors.length ? `${fmt(t.failed)} failed and ${fmt(t.not_sent)} not sent. Each code opens its messages in History.` : "Nothing failed in this period."}
        onCsv={csv("errors")}
        onPng={png("errors")}
      >
        <HBars
          title="Failed and refused messages per error code"
          rows={data.errors.map((e) => ({
            key: String(e.code ?? "none"),
            label: e.code == null ? "no error code" : `error ${e.code}`,
            value: e.failed + e.not_sent,
            href: e.code == null ? link({ direction: "out", status: "failed" }) : link({ direction: "out", error_code: e.code }),
            className: "chart__seg--failed",
          }))}
        />
        <dl className="insights__errors" id="insights-errors-list">
          {data.errors.map((e) => (
            <div key={String(e.code ?? "none")}>
              <dt>
                <a href={e.code == null ? link({ direction: "out", status: "failed" }) : link({ direction: "out", error_code: e.code })}>
                  {e.code == null ? "No error code" : `Error ${e.code}`}
                </a>{" "}
                <span className="hint">
                  {fmt(e.failed)} failed{e.not_sent ? `, ${fmt(e.not_sent)} not sent` : ""}
                </span>
              </dt>
              <dd>{e.explanation ?? "No explanation on file for this code: see the message's details in History."}</dd>
            </div>
          ))}
        </dl>
      </ChartCard>

      <ChartCard
        subtitle={span}
        id="replies"
        title="Time to first reply"
        summary={
          data.replies.answered
            ? `${fmt(data.replies.answered)} ${data.replies.answered === 1 ? "customer" : "customers"} answered; half of them ${(data.replies.median ?? "").startsWith("under") ? "in" : "within"} ${data.replies.median}; on average after ${duration(data.replies.mean_seconds ?? 0)}. ${fmt(data.replies.waiting)} still waiting.`
            : `No customer was answered in this period; ${fmt(data.replies.waiting)} waiting.`
        }
        onCsv={csv("replies")}
        onPng={png("replies")}
        table={
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Reply time</th>
                <th scope="col">Customers</th>
              </tr>
            </thead>
            <tbody>
              {data.replies.buckets.map((b) => (
                <tr key={b.label}>
                  <th scope="row">{b.label}</th>
                  <td>{fmt(b.count)}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">still waiting</th>
                <td>{fmt(data.replies.waiting)}</td>
              </tr>
            </tbody>
          </table>
        }
      >
        <HBars
          title="Customers by time to first reply"
          rows={data.replies.buckets.map((b) => ({ key: b.label, label: b.label, value: b.count, href: link({ direction: "in", template: null, language: null }) }))}
        />
      </ChartCard>

      <ChartCard
        subtitle={span}
        id="window"
        title="Sends inside the 24-hour window"
        summary={`${pct(data.window.inside_rate)} of ${fmt(data.window.inside + data.window.outside)} messages went out while the customer's 24-hour window was open (they had written in the day before).`}
        onCsv={csv("window")}
        onPng={png("window")}
        table={
          <table className="table">
            <tbody>
              <tr>
                <th scope="row">Inside the window</th>
                <td>{fmt(data.window.inside)}</td>
              </tr>
              <tr>
                <th scope="row">Outside the window</th>
                <td>{fmt(data.window.outside)}</td>
              </tr>
            </tbody>
          </table>
        }
      >
        <HBars
          title="Messages sent inside and outside the 24-hour window"
          rows={[
            { key: "inside", label: "inside the window", value: data.window.inside, href: link({ direction: "out" }) },
            { key: "outside", label: "outside the window", value: data.window.outside, href: link({ direction: "out" }), className: "chart__seg--pending" },
          ]}
        />
      </ChartCard>

      <ChartCard
        subtitle={span}
        id="categories"
        title="Pricing categories"
        summary="Messages per category as status webhooks report it (counts, not prices)."
        onCsv={csv("categories")}
        onPng={png("categories")}
        table={
          <table className="table">
            <tbody>
              {data.categories.map((c) => (
                <tr key={c.category ?? ""}>
                  <th scope="row">{c.category ?? "not reported"}</th>
                  <td>{fmt(c.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      >
        <HBars
          title="Messages per pricing category"
          rows={data.categories.map((c) => ({ key: c.category ?? "", label: c.category ?? "not reported", value: c.count, href: link({ direction: "out" }) }))}
        />
      </ChartCard>
    </>
  );
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 129_600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}
