// Saving and copying: downloads made in the page, the charts as one picture, the clipboard.
import { $, css } from "./util.js";

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

export function downloadCharts(name) {
  // The stage's charts, each with its caption, side by side in two columns, on one canvas.
  const figures = [...document.querySelectorAll(".charts .chart")];
  const scale = 2;
  const pad = 16 * scale;
  const cellW = Math.max(...figures.map((f) => f.querySelector("canvas").width)) + 2 * pad;
  const cellH = Math.max(...figures.map((f) => f.querySelector("canvas").height)) + 3 * pad;
  const out = document.createElement("canvas");
  out.width = cellW * 2;
  out.height = cellH * Math.ceil(figures.length / 2);
  const ctx = out.getContext("2d");
  ctx.fillStyle = css("--panel");
  ctx.fillRect(0, 0, out.width, out.height);
  figures.forEach((figure, i) => {
    const x = (i % 2) * cellW + pad;
    const y = Math.floor(i / 2) * cellH + pad;
    ctx.fillStyle = css("--ink");
    ctx.font = `bold ${14 * scale}px system-ui, sans-serif`;
    ctx.fillText(figure.querySelector("figcaption").textContent.trim(), x, y + 14 * scale);
    ctx.drawImage(figure.querySelector("canvas"), x, y + pad * 1.4);
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
