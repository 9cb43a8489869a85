// A chart's SVG drawn as a PNG (at twice its size), in the colours it has on screen: the theme's
// CSS is copied onto each element, since an SVG drawn as an image sees no stylesheet.

const PROPS = ["fill", "stroke", "stroke-width", "font-family", "font-size", "font-weight", "opacity"] as const;

function inlineStyles(from: Element, to: Element) {
  const cs = getComputedStyle(from);
  const style = PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(";");
  to.setAttribute("style", style);
  for (let i = 0; i < from.children.length; i++) inlineStyles(from.children[i], to.children[i]);
}

/** What is drawn above the chart, so the picture reads on its own outside the app. */
export interface PngCaption {
  title: string;
  /** A line under the title, e.g. the period and filter. */
  subtitle?: string;
  legend?: { label: string; color: string }[];
}

/** The height, in unscaled pixels, of the caption band above the chart. */
export function captionHeight(caption?: PngCaption): number {
  if (!caption) return 0;
  return 28 + (caption.subtitle ? 18 : 0) + (caption.legend?.length ? 22 : 0);
}

export async function svgToPng(svg: SVGSVGElement, caption?: PngCaption, scale = 2): Promise<Uint8Array> {
  const box = svg.viewBox.baseVal;
  const width = Math.round((box?.width || svg.clientWidth || 720) * scale);
  const chartHeight = Math.round((box?.height || svg.clientHeight || 220) * scale);
  const top = captionHeight(caption) * scale;
  const height = chartHeight + top;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, copy);
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", String(width));
  copy.setAttribute("height", String(chartHeight));
  const text = new XMLSerializer().serializeToString(copy);
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("This window cannot draw pictures.");
  // The page's background, so the picture reads the same outside the app.
  ctx.fillStyle = getComputedStyle(svg.closest(".card") ?? document.body).backgroundColor || "#fff";
  ctx.fillRect(0, 0, width, height);
  if (caption) drawCaption(ctx, caption, scale, getComputedStyle(svg.closest(".card") ?? document.body));
  ctx.drawImage(img, 0, top, width, chartHeight);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("The chart could not be drawn as a PNG.");
  return new Uint8Array(await blob.arrayBuffer());
}

function drawCaption(ctx: CanvasRenderingContext2D, caption: PngCaption, scale: number, cs: CSSStyleDeclaration) {
  const family = cs.fontFamily || "sans-serif";
  const ink = cs.color || "#111";
  let y = 20 * scale;
  ctx.fillStyle = ink;
  ctx.textBaseline = "alphabetic";
  ctx.font = `600 ${15 * scale}px ${family}`;
  ctx.fillText(caption.title, 12 * scale, y);
  if (caption.subtitle) {
    y += 18 * scale;
    ctx.font = `${12 * scale}px ${family}`;
    ctx.globalAlpha = 0.75;
    ctx.fillText(caption.subtitle, 12 * scale, y);
    ctx.globalAlpha = 1;
  }
  if (caption.legend?.length) {
    y += 20 * scale;
    let x = 12 * scale;
    ctx.font = `${12 * scale}px ${family}`;
    for (const item of caption.legend) {
      ctx.fillStyle = item.color;
      ctx.fillRect(x, y - 10 * scale, 10 * scale, 10 * scale);
      x += 14 * scale;
      ctx.fillStyle = ink;
      ctx.fillText(item.label, x, y);
      x += ctx.measureText(item.label).width + 16 * scale;
    }
  }
}
