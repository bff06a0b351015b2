// The Python console's output: the entries (with their >>> prompts) and what they printed,
// appended as text (textContent only: whatever a learner's code prints stays text).
import { $ } from "../util.js";

const KEEP = 200_000; // characters of output kept; older entries are dropped first

function make(className, text) {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}

function append(...parts) {
  const out = $("console-output");
  out.append(...parts);
  let size = out.textContent.length;
  while (size > KEEP && out.firstChild) {
    size -= out.firstChild.textContent.length;
    out.firstChild.remove();
  }
  out.scrollTop = out.scrollHeight;
}

export function paint(data) {
  const msg = $("console-msg");
  if (data.kind === "welcome") {
    append(make("console-note", data.text));
  } else if (data.kind === "running") {
    msg.textContent = "Running…";
  } else if (data.kind === "entry") {
    const output = make(data.stopped ? "console-text console-stopped" : "console-text", data.output);
    append(make("console-in", data.echo), output);
    if (data.message) append(make("console-note", data.message + "\n"));
    msg.textContent = data.message;
  } else if (data.kind === "clear") {
    $("console-output").replaceChildren();
    msg.textContent = "";
  }
}
