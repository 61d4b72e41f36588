// Shared DOM helpers for the chat widget and the agent console. Plain ES module,
// no build step; loaded from the API's own origin (the widget imports it across
// origins, so it must stay free of side effects and of other sites' code).
//
// Exports (kept stable: the widget and the console both use them):
//   h(tag, attrs = {}, ...children) -> HTMLElement
//     Builds an element. attrs: a function value is an event listener
//     (`onclick` -> "click"), `true` an empty attribute, `false`/null/undefined
//     leaves the attribute out, anything else is set as an attribute string.
//     Children are nodes or strings; strings become text nodes, never HTML.
//   svgIcon(path, className = "icon") -> SVGElement
//     A 24x24 decorative icon (aria-hidden) from one SVG path.
//   clear(el) -> el
//     Removes every child of `el`.
// Nothing here uses innerHTML: text from users, agents or the server is only
// ever inserted as text.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (typeof value === "function") el.addEventListener(key.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(key, "");
    else if (value !== false && value != null) el.setAttribute(key, String(value));
  }
  el.append(...children.flat().filter((child) => child != null && child !== false));
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svgIcon(path, className = "icon") {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", className);
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const p = document.createElementNS(SVG_NS, "path");
  p.setAttribute("d", path);
  svg.append(p);
  return svg;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}
