// storyline web: a little JavaScript over pages that work without it.
// 1. A citation marker opens the cited passage of its source in place, highlighted (from /api/articles/ID/passage).
// 2. On a story page, what was added since this browser last opened the story is marked "new" (kept in localStorage).
// Everything from articles is put into the page as text (textContent), never as HTML.
"use strict";

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function passageUrl(cite) {
  const id = encodeURIComponent(cite.dataset.article);
  const q = new URLSearchParams();
  if (cite.dataset.start !== undefined) {
    q.set("start", cite.dataset.start);
    q.set("end", cite.dataset.end);
  } else {
    q.set("text", cite.dataset.text || "");
  }
  return "/api/articles/" + id + "/passage?" + q.toString();
}

function passagePanel(cite, data) {
  const panel = el("div", "passage");
  const head = el("header");
  head.append(el("strong", null, data.outlet || "unknown outlet"), el("span", null, data.published || "undated"));
  const page = el("a", null, "article page");
  page.href = "/articles/" + encodeURIComponent(data.article) + "?hl=" + data.start + "-" + data.end + "#hl";
  head.append(page);
  if (data.url) {  // the server sends http/https links only
    const src = el("a", "ext", "source ↗");
    src.href = data.url;
    src.rel = "noopener noreferrer nofollow";
    head.append(src);
  }
  if (data.verbatim === false) head.append(el("em", null, "closest passage: this source says it in other words"));
  const close = el("button", "close", "close ×");
  close.type = "button";
  close.addEventListener("click", () => { panel.remove(); cite.classList.remove("open"); cite.focus(); });
  head.append(close);
  const body = el("p");
  const lead = data.before ? "…" + data.before.replace(/^\S*\s/, "") : "";
  body.append(document.createTextNode(lead), el("mark", null, data.passage), document.createTextNode(data.after ? data.after + "…" : ""));
  panel.append(head, body);
  return panel;
}

function missingPanel(cite) {
  const panel = el("div", "passage");
  const p = el("p", null, "This source does not carry the sentence word for word: ");
  const link = el("a", null, "read the article");
  link.href = cite.href;
  p.append(link);
  panel.append(p);
  return panel;
}

async function openCitation(cite) {
  const holder = cite.closest(".cited") || cite.parentElement;
  const key = cite.dataset.article + ":" + (cite.dataset.start || "t");
  const open = holder.querySelector(".passage");
  const wasSame = open && open.dataset.key === key;
  if (open) open.remove();
  holder.querySelectorAll(".cite.open").forEach((c) => c.classList.remove("open"));
  if (wasSame) return;
  let panel;
  try {
    const resp = await fetch(passageUrl(cite), { headers: { Accept: "application/json" } });
    panel = resp.ok ? passagePanel(cite, await resp.json()) : missingPanel(cite);
  } catch (err) {
    panel = missingPanel(cite);
  }
  panel.dataset.key = key;
  cite.classList.add("open");
  holder.append(panel);
}

document.addEventListener("click", (event) => {
  const cite = event.target.closest && event.target.closest("a.cite");
  if (!cite || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  openCitation(cite);
});

function markNew() {
  const main = document.querySelector("main[data-story]");
  if (!main) return;
  const key = "storyline:seen:" + main.dataset.story;
  let last = null;
  try { last = window.localStorage.getItem(key); } catch (err) { return; }
  const max = parseInt(main.dataset.maxSeq || "0", 10);
  if (last !== null) {
    const seen = parseInt(last, 10);
    let count = 0;
    main.querySelectorAll("[data-seq]").forEach((node) => {
      if (parseInt(node.dataset.seq, 10) > seen) { node.classList.add("is-new"); count += 1; }
    });
    const note = main.querySelector(".news-note");
    if (note && count) {
      note.textContent = count + (count === 1 ? " item" : " items") + " new since your last visit (marked “new”).";
      note.hidden = false;
    }
  }
  try { window.localStorage.setItem(key, String(max)); } catch (err) { /* private mode: nothing to keep */ }
}

document.addEventListener("DOMContentLoaded", markNew);
