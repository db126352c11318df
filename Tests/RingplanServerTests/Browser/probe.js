// Appended (by the browser tests only) to a copy of a page that has no script of its own,
// shown in a frame of the window's size: measures what a reader sees and posts it, as
// JSON, to the page around the frame, which `chromium --dump-dom` prints.
(() => {
  const visible = (el) => { const b = el.getBoundingClientRect(); const s = getComputedStyle(el); return b.width > 0 && b.height > 0 && s.display !== "none" && s.visibility !== "hidden"; };
  const box = (el) => { const b = el.getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width, h: b.height }; };
  const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const result = { viewport: innerWidth, scrollWidth: document.documentElement.scrollWidth };
  // Text a reader must read: any element with its own text, shown, smaller than 11 px.
  result.smallText = [...document.querySelectorAll("body *")].filter((el) =>
    [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && visible(el) &&
    !el.closest("svg") && parseFloat(getComputedStyle(el).fontSize) < 11).map((el) => el.tagName + ": " + el.textContent.trim().slice(0, 40));
  // Text cut off or spilling out of its box.
  result.clipped = [...document.querySelectorAll(".kind, .legend li, h1, h2, td")].filter((el) => visible(el) && el.scrollWidth > el.clientWidth + 1)
    .map((el) => el.textContent.trim().slice(0, 40));
  result.lanes = [...document.querySelectorAll(".lane:not(.hours) svg")].map((svg) => {
    const first = svg.querySelector("rect");
    return Object.assign(box(svg), { kind: svg.getAttribute("aria-label"), fill: getComputedStyle(first).fill, label: box(svg.parentElement.querySelector(".kind")) });
  });
  result.rulerOverlaps = [...document.querySelectorAll(".ruler")].reduce((count, ruler) => {
    const spans = [...ruler.querySelectorAll("span")].filter(visible).map(box);
    return count + spans.filter((a, i) => spans.some((b, j) => j > i && overlap(a, b))).length;
  }, 0);
  result.legend = [...document.querySelectorAll(".legend li")].map((li) => ({ text: li.textContent.trim(), colour: getComputedStyle(li.querySelector(".swatch")).backgroundColor }));
  result.special = [...document.querySelectorAll(".day.special")].map((day) => day.querySelector("h2, h3").textContent.trim());
  result.days = document.querySelectorAll(".day").length;
  result.headings = [...document.querySelectorAll("h1, h2")].map((h) => h.textContent.trim());
  result.tableRows = [...document.querySelectorAll("table.requests tbody tr")].map((tr) => [...tr.children].map((td) => td.textContent.trim()));
  result.diagnostics = [...document.querySelectorAll("pre.diagnostics")].map((pre) => pre.textContent);
  result.text = document.body.innerText;
  // In the harness's frame (see Chromium.probe): to the page around it.
  parent.postMessage(JSON.stringify(result), "*");
})();
