// Saving and copying: downloads made in the page, the charts as one picture, the clipboard.
import { $, css } from "./util.js";
import { settle } from "./views.js";

function save(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function download(name, mime, text) {
  save(name, new Blob([text], { type: mime }));
}

// A caption as lines that fit width (words never split), in ctx's current font.
function wrap(ctx, text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export function downloadCharts(name) {
  settle(); // charts left out of light repaints are brought up to date first
  // The stage's charts, each with its caption (wrapped to its column), in two columns.
  const figures = [...document.querySelectorAll(".charts .chart")];
  const scale = Math.max(1, Math.round(window.devicePixelRatio || 1)); // as the charts are drawn
  const pad = 16 * scale;
  const lineH = 18 * scale;
  const cellW = Math.max(...figures.map((f) => f.querySelector("canvas").width)) + 2 * pad;
  const out = document.createElement("canvas");
  const ctx = out.getContext("2d");
  const font = `bold ${14 * scale}px system-ui, sans-serif`;
  ctx.font = font;
  const captions = figures.map((f) => wrap(ctx, f.querySelector("figcaption").textContent.trim(), cellW - 2 * pad));
  const head = Math.max(...captions.map((lines) => lines.length)) * lineH + Math.round(pad * 0.6);
  const cellH = Math.max(...figures.map((f) => f.querySelector("canvas").height)) + head + 2 * pad;
  out.width = cellW * 2;
  out.height = cellH * Math.ceil(figures.length / 2);
  ctx.fillStyle = css("--panel");
  ctx.fillRect(0, 0, out.width, out.height);
  figures.forEach((figure, i) => {
    const x = (i % 2) * cellW + pad;
    const y = Math.floor(i / 2) * cellH + pad;
    ctx.fillStyle = css("--ink");
    ctx.font = font;
    captions[i].forEach((line, k) => ctx.fillText(line, x, y + 14 * scale + k * lineH));
    ctx.drawImage(figure.querySelector("canvas"), x, y + head);
  });
  out.toBlob((blob) => save(name, blob), "image/png");
}

export async function copy(text) {
  // The clipboard, or, where the browser refuses, a box with the text selected for copying.
  const fallback = $("copy-fallback");
  try {
    await navigator.clipboard.writeText(text);
    fallback.hidden = true;
    return true;
  } catch (error) {
    fallback.hidden = false;
    const box = $("copy-text");
    box.value = text;
    box.focus();
    box.select();
    return false;
  }
}
