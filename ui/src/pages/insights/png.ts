// A chart's SVG drawn as a PNG (at twice its size), in the colours it has on screen: the theme's
// CSS is copied onto each element, since an SVG drawn as an image sees no stylesheet.

const PROPS = ["fill", "stroke", "stroke-width", "font-family", "font-size", "font-weight", "opacity"] as const;

function inlineStyles(from: Element, to: Element) {
  const cs = getComputedStyle(from);
  const style = PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(";");
  to.setAttribute("style", style);
  for (let i = 0; i < from.children.length; i++) inlineStyles(from.children[i], to.children[i]);
}

export async function svgToPng(svg: SVGSVGElement, scale = 2): Promise<Uint8Array> {
  const box = svg.viewBox.baseVal;
  const width = Math.round((box?.width || svg.clientWidth || 720) * scale);
  const height = Math.round((box?.height || svg.clientHeight || 220) * scale);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, copy);
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", String(width));
  copy.setAttribute("height", String(height));
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
  ctx.drawImage(img, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("The chart could not be drawn as a PNG.");
  return new Uint8Array(await blob.arrayBuffer());
}
