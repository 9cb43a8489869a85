// Small SVG charts of our own (no charting library): stacked bars over time, lines of rates,
// horizontal bars. Each bar is a link (to History with the same filter); each chart has a
// text summary, and its card a table of the same figures.
import { type ReactNode, useRef, useState } from "react";
import type { InsightsChart } from "../../lib/ipc/bindings/InsightsChart";
import { type PngCaption, svgToPng } from "./png";

const W = 720;
const H = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

export interface Segment {
  key: string;
  label: string;
  value: number;
}

export interface BarPoint {
  label: string;
  /** The History link of the whole bar, and of each segment (by its key). */
  href: string;
  segmentHref: (key: string) => string;
  segments: Segment[];
}

const fmt = (n: number) => n.toLocaleString();
export const pct = (r: number | null | undefined) => (r == null ? "—" : `${(r * 100).toFixed(1)} %`);

/** A round top for the y axis. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Every n-th label so they do not overlap. */
function labelEvery(count: number): number {
  return Math.max(1, Math.ceil(count / 8));
}

function YAxis({ max, format }: { max: number; format: (v: number) => string }) {
  const ticks = [0, 0.5, 1].map((f) => f * max);
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  return (
    <g className="chart__axis" aria-hidden="true">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="chart__grid" />
          <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end">
            {format(t)}
          </text>
        </g>
      ))}
    </g>
  );
}

/** Stacked bars, one per bucket; segments in the order given (bottom first). */
export function StackedBars({ points, title }: { points: BarPoint[]; title: string }) {
  const max = niceMax(Math.max(0, ...points.map((p) => p.segments.reduce((a, s) => a + s.value, 0))));
  const inner = W - PAD.left - PAD.right;
  const slot = inner / Math.max(1, points.length);
  const bar = Math.max(1, slot * 0.7);
  const h = (v: number) => ((H - PAD.top - PAD.bottom) * v) / max;
  const every = labelEvery(points.length);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="group" aria-label={title}>
      <YAxis max={max} format={fmt} />
      {points.map((p, i) => {
        let base = H - PAD.bottom;
        const x = PAD.left + i * slot + (slot - bar) / 2;
        return (
          <g key={p.label}>
            {p.segments.map((s) => {
              if (!s.value) return null;
              const height = h(s.value);
              base -= height;
              return (
                <a key={s.key} href={p.segmentHref(s.key)} aria-label={`${p.label}: ${fmt(s.value)} ${s.label}`}>
                  <rect x={x} y={base} width={bar} height={height} className={`chart__seg chart__seg--${s.key}`}>
                    <title>{`${p.label}: ${fmt(s.value)} ${s.label}`}</title>
                  </rect>
                </a>
              );
            })}
            {i % every === 0 && (
              <text x={x + bar / 2} y={H - 8} textAnchor="middle" className="chart__label" aria-hidden="true">
                {p.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

export interface LineSeries {
  key: string;
  label: string;
  values: (number | null)[];
}

/** Lines of rates (0–100 %) over the buckets; a bucket without a rate breaks the line. */
export function RateLines({ labels, series, title }: { labels: string[]; series: LineSeries[]; title: string }) {
  const inner = W - PAD.left - PAD.right;
  const slot = inner / Math.max(1, labels.length);
  const x = (i: number) => PAD.left + i * slot + slot / 2;
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v);
  const every = labelEvery(labels.length);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label={title}>
      <YAxis max={1} format={(v) => `${Math.round(v * 100)} %`} />
      {series.map((s) => {
        const parts: string[] = [];
        let pen = "M";
        s.values.forEach((v, i) => {
          if (v == null) {
            pen = "M";
            return;
          }
          parts.push(`${pen}${x(i).toFixed(1)},${y(v).toFixed(1)}`);
          pen = "L";
        });
        return (
          <g key={s.key} className={`chart__line chart__line--${s.key}`}>
            <path d={parts.join(" ")} fill="none" />
            {s.values.map((v, i) => (v == null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={2.5} />))}
          </g>
        );
      })}
      {labels.map((l, i) =>
        i % every === 0 ? (
          <text key={l} x={x(i)} y={H - 8} textAnchor="middle" className="chart__label" aria-hidden="true">
            {l}
          </text>
        ) : null,
      )}
    </svg>
  );
}

export interface HBar {
  key: string;
  label: string;
  value: number;
  href: string;
  className?: string;
}

/** Horizontal bars with their label and count. */
export function HBars({ rows, title }: { rows: HBar[]; title: string }) {
  const rowH = 26;
  const height = Math.max(1, rows.length) * rowH + 8;
  const labelW = 200;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const inner = W - labelW - 80;
  return (
    <svg viewBox={`0 0 ${W} ${height}`} className="chart chart--hbars" role="group" aria-label={title}>
      {rows.map((r, i) => {
        const width = Math.max(1, (inner * r.value) / max);
        // The link is the bar, named by its label and count; the texts beside it are what
        // the eye reads (hidden from screen readers, which read the link's name).
        return (
          <g key={r.key}>
            <text x={labelW - 8} y={i * rowH + 21} textAnchor="end" className="chart__label" aria-hidden="true">
              {r.label.length > 30 ? `${r.label.slice(0, 29)}…` : r.label}
            </text>
            <a href={r.href} aria-label={`${r.label}: ${fmt(r.value)}`}>
              <rect x={labelW} y={i * rowH + 8} height={16} width={width} className={`chart__seg ${r.className ?? "chart__seg--bar"}`}>
                <title>{`${r.label}: ${fmt(r.value)}`}</title>
              </rect>
            </a>
            <text x={labelW + width + 6} y={i * rowH + 21} className="chart__label" aria-hidden="true">
              {fmt(r.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** The title, subtitle and legend (with each swatch's colour as shown) for a saved PNG. */
export function captionOf(figure: HTMLElement | null, title: string, subtitle?: string): PngCaption {
  const card = figure?.closest(".insights__card");
  const legend = Array.from(card?.querySelectorAll(".chart__legend li") ?? []).map((li) => {
    const swatch = li.querySelector(".chart__swatch");
    const color = swatch ? getComputedStyle(swatch).backgroundColor : "";
    return { label: li.textContent?.trim() ?? "", color: color || "#888" };
  });
  return { title, subtitle, legend: legend.length ? legend : undefined };
}

/** A chart's card: title, summary, the chart, its table, and CSV / PNG export. */
export function ChartCard(props: {
  id: InsightsChart;
  title: string;
  summary: ReactNode;
  /** The figures as a table (shown on request); none when the card shows a table already. */
  table?: ReactNode;
  legend?: { key: string; label: string }[];
  /** Drawn under the title in a saved PNG, e.g. the period and the filter. */
  subtitle?: string;
  onCsv: () => Promise<string>;
  onPng: (png: Uint8Array) => Promise<string>;
  children: ReactNode;
}) {
  const figure = useRef<HTMLDivElement>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  async function save(what: () => Promise<string>) {
    setSaved(null);
    setFailed(null);
    try {
      setSaved(await what());
    } catch (e) {
      setFailed((e as { message?: string }).message ?? String(e));
    }
  }
  const titleId = `insights-${props.id}-title`;
  return (
    <section className="card insights__card" id={`insights-${props.id}`} aria-labelledby={titleId}>
      <h2 id={titleId}>{props.title}</h2>
      <p className="hint insights__summary">{props.summary}</p>
      {props.legend && (
        <ul className="chart__legend" aria-label="Legend">
          {props.legend.map((l) => (
            <li key={l.key}>
              <span className={`chart__swatch chart__swatch--${l.key}`} aria-hidden="true" /> {l.label}
            </li>
          ))}
        </ul>
      )}
      <div ref={figure} className="insights__figure">
        {props.children}
      </div>
      {props.table && (
        <details className="insights__table">
          <summary>Show the figures as a table</summary>
          {props.table}
        </details>
      )}
      <div className="form__actions">
        <button type="button" id={`insights-${props.id}-csv`} onClick={() => void save(props.onCsv)}>
          Export CSV
        </button>
        <button
          type="button"
          id={`insights-${props.id}-png`}
          onClick={() =>
            void save(async () => {
              const svg = figure.current?.querySelector("svg");
              if (!svg) throw new Error("There is no chart to save.");
              return props.onPng(await svgToPng(svg, captionOf(figure.current, props.title, props.subtitle)));
            })
          }
        >
          Save PNG
        </button>
      </div>
      {saved && (
        <p className="notice" role="status">
          Saved to <span className="mono">{saved}</span>
        </p>
      )}
      {failed && (
        <p className="field-error" role="alert">
          {failed}
        </p>
      )}
    </section>
  );
}
