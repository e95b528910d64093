// Downloads (Exports): a result as JSON, series and weights as CSV, each chart as PNG.
// Everything is made in the page and handed to the browser as a blob: URL (allowed by the CSP in
// index.html; nothing is uploaded anywhere). The URL is revoked once the download has started.

/** A file name without characters that file systems or the browser would refuse. */
export function safeFileName(name: string, fallback = 'helix'): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[^\w.\-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 120);
  return cleaned || fallback;
}

/** Hands `blob` to the browser as a download named `fileName`. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFileName(fileName);
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function downloadText(text: string, fileName: string, type = 'text/plain'): void {
  downloadBlob(new Blob([text], { type: `${type};charset=utf-8` }), fileName);
}

export function downloadJson(value: unknown, fileName: string): void {
  downloadText(JSON.stringify(value), fileName, 'application/json');
}

export function downloadCsv(text: string, fileName: string): void {
  downloadText(text, fileName, 'text/csv');
}

/**
 * The canvas as a PNG on a solid background (a chart canvas is transparent, which reads badly in
 * most image viewers). Resolves null when the browser cannot encode it.
 */
export function canvasToPng(canvas: HTMLCanvasElement, background = '#ffffff'): Promise<Blob | null> {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) return Promise.resolve(null);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  return new Promise((resolve) => out.toBlob((b) => resolve(b), 'image/png'));
}

/** Downloads the canvas as a PNG; rejects with a message for people when it cannot. */
export async function downloadCanvasPng(canvas: HTMLCanvasElement, fileName: string): Promise<void> {
  const blob = await canvasToPng(canvas);
  if (!blob) throw new Error('This browser could not turn the chart into a PNG image.');
  downloadBlob(blob, fileName.endsWith('.png') ? fileName : `${fileName}.png`);
}
