// Text from the server, shown as links, paragraphs and lists: shared by the chat
// widget and the agent console. Plain ES module, no build step.
//
// Exports (kept stable: the widget and the console both use them):
//   linkified(text) -> Node[]
//     Text nodes, with links for what the text names: https:// and http://
//     addresses as they are, bare "www." addresses as https://, e-mail
//     addresses as mailto:, and phone numbers as tel: in E.164 ("010-228 59 00"
//     -> tel:+46102285900; a number without a country code is Swedish). Phone
//     links have the class "tel" (white-space: nowrap in base.css and the
//     widget's styles: a number never breaks across lines).
//   paragraphs(text) -> Node[]
//     Blocks separated by a blank line become <p> elements (single newlines
//     <br>); runs of lines starting with "- " (or "* ", "• ") become a <ul>,
//     runs starting with "1. " (or "1) ") an <ol>. Every piece of text is
//     linkified.
//   telHref(number) -> string
//     The tel: address of a phone number as written.
// Text is only ever inserted as text nodes; nothing is parsed as HTML.

import { h } from "./dom.js";

const PATTERNS = {
  url: String.raw`\bhttps?:\/\/[^\s<>"]+`,
  www: String.raw`\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\/[^\s<>"]*)?`,
  email: String.raw`[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}`,
  // +46 10 228 59 00, 010-228 59 00, 0702-12 34 56: a leading 0 and an area code
  // that is not 0 (so "000000669" and dates are left alone), groups of digits
  // separated by one space or hyphen.
  phone: String.raw`(?:\+\d{1,3}[ -]?\d{1,4}|\b0[1-9]\d{0,3})(?:[ -]?\d{2,4}){1,4}\b`,
};
const LINK_RE = new RegExp(
  Object.entries(PATTERNS).map(([name, re]) => `(?<${name}>${re})`).join("|"),
  "gi",
);
// Sentence punctuation right after an address is not part of it.
const TRAILING = /[.,;:!?)\]}'"»”]+$/;

export function telHref(number) {
  const digits = String(number).replace(/[^\d+]/g, "");
  if (digits.startsWith("+")) return "tel:" + digits;
  if (digits.startsWith("00")) return "tel:+" + digits.slice(2);
  return "tel:+46" + digits.replace(/^0/, "");
}

function isPhone(text) {
  const digits = text.replace(/\D/g, "").length;
  return digits >= 8 && digits <= 15;
}

function link(kind, shown) {
  if (kind === "phone") return h("a", { href: telHref(shown), class: "tel" }, shown);
  if (kind === "email") return h("a", { href: "mailto:" + shown }, shown);
  const href = kind === "www" ? "https://" + shown : shown;
  return h("a", { href, target: "_blank", rel: "noopener noreferrer" }, shown);
}

export function linkified(text) {
  const nodes = [];
  const source = String(text ?? "");
  let last = 0;
  for (const m of source.matchAll(LINK_RE)) {
    const kind = Object.keys(PATTERNS).find((name) => m.groups[name] !== undefined);
    const shown = kind === "phone" ? m[0] : m[0].replace(TRAILING, "");
    if (kind === "phone" && !isPhone(shown)) continue;
    if (m.index > last) nodes.push(document.createTextNode(source.slice(last, m.index)));
    nodes.push(link(kind, shown));
    last = m.index + shown.length;
  }
  if (last < source.length) nodes.push(document.createTextNode(source.slice(last)));
  return nodes;
}

const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,2})[.)]\s+(.*)$/;

function kindOf(line) {
  if (BULLET.test(line)) return "ul";
  if (NUMBERED.test(line)) return "ol";
  return "p";
}

// Consecutive lines of the same kind (text, bullets, numbers), in order.
function runs(lines) {
  const out = [];
  for (const line of lines) {
    const kind = kindOf(line);
    if (out.length && out[out.length - 1].kind === kind) out[out.length - 1].lines.push(line);
    else out.push({ kind, lines: [line] });
  }
  return out;
}

function textWithBreaks(lines) {
  return lines.flatMap((line, i) => (i ? [h("br"), ...linkified(line)] : linkified(line)));
}

function block({ kind, lines }) {
  if (kind === "p") return h("p", {}, textWithBreaks(lines));
  const pattern = kind === "ul" ? BULLET : NUMBERED;
  const items = lines.map((line) => {
    const m = line.match(pattern);
    return h("li", {}, linkified(m[m.length - 1]));
  });
  const first = kind === "ol" ? Number(lines[0].match(NUMBERED)[1]) : 1;
  return h(kind, first !== 1 ? { start: first } : {}, items);
}

export function paragraphs(text) {
  return String(text ?? "")
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n+/)
    .map((part) => part.split("\n").filter((line) => line.trim()))
    .filter((lines) => lines.length)
    .flatMap((lines) => runs(lines).map(block));
}
