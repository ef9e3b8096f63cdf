/**
 * Light markdown for the agent's answers, built as DOM nodes: model text is
 * only ever assigned to `textContent`, never parsed as HTML, so nothing the
 * model (or a web page it quotes) writes can inject markup or script.
 *
 * Supported: paragraphs, line breaks, `-`/`*`/`1.` lists, `#` headings (as
 * bold lines), fenced code blocks, `inline code`, **bold**, *italic*,
 * [links](https://…) and bare http(s) URLs. Anything else stays plain text.
 *
 * @module
 */

const FENCE = /^\s*(```|~~~)/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,3}[.)]\s+(.*)$/;
const HEADING = /^\s*#{1,6}\s+(.*)$/;
const INLINE = new RegExp(
  [
    /(`+)([^`][\s\S]*?)\1/.source, // 1-2: code
    /\*\*([^*][\s\S]*?)\*\*/.source, // 3: bold
    /__([^_][\s\S]*?)__/.source, // 4: bold
    /\[([^\]\n]+)\]\(([^)\s]+)\)/.source, // 5-6: link
    /(https?:\/\/[^\s<>()]*[^\s<>().,;:!?'"*])/.source, // 7: bare URL
    /\*([^*\s](?:[^*\n]*[^*\s])?)\*/.source, // 8: italic
  ].join("|"),
  "g",
);

/**
 * Renders markdown text as a fragment of safe DOM nodes. Unfinished
 * constructs (an open code fence while the answer streams) render sensibly.
 *
 * @example
 * ```js
 * bubble.replaceChildren(renderMarkdown("**Deno** is a *runtime*."));
 * ```
 * @param {string} text
 * @returns {DocumentFragment}
 */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  /** @type {string[]} */
  let paragraph = [];
  /** @type {HTMLUListElement | HTMLOListElement | null} */
  let list = null;

  const endParagraph = () => {
    if (paragraph.length === 0) return;
    const p = document.createElement("p");
    paragraph.forEach((line, i) => {
      if (i > 0) p.append(document.createElement("br"));
      p.append(renderInline(line));
    });
    fragment.append(p);
    paragraph = [];
  };
  const endBlocks = () => {
    endParagraph();
    list = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (FENCE.test(line)) {
      endBlocks();
      const code = [];
      while (++i < lines.length && !FENCE.test(lines[i])) code.push(lines[i]);
      const pre = document.createElement("pre");
      const element = document.createElement("code");
      element.textContent = code.join("\n");
      pre.append(element);
      fragment.append(pre);
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      const tag = bullet ? "UL" : "OL";
      if (!list || list.tagName !== tag) {
        endParagraph();
        list = document.createElement(bullet ? "ul" : "ol");
        fragment.append(list);
      }
      const item = document.createElement("li");
      item.append(renderInline((bullet ?? numbered)?.[1] ?? ""));
      list.append(item);
      continue;
    }
    if (!line.trim()) {
      endBlocks();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      endBlocks();
      const p = document.createElement("p");
      const strong = document.createElement("strong");
      strong.append(renderInline(heading[1]));
      p.append(strong);
      fragment.append(p);
      continue;
    }
    list = null;
    paragraph.push(line);
  }
  endBlocks();
  return fragment;
}

/**
 * @param {string} text one line (or a bold/italic span's content)
 * @returns {DocumentFragment}
 */
function renderInline(text) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0;
    if (index > at) fragment.append(text.slice(at, index));
    at = index + match[0].length;
    if (match[2] !== undefined) {
      const code = document.createElement("code");
      code.textContent = match[2];
      fragment.append(code);
    } else if (match[3] !== undefined || match[4] !== undefined) {
      const strong = document.createElement("strong");
      strong.append(renderInline(match[3] ?? match[4]));
      fragment.append(strong);
    } else if (match[5] !== undefined) {
      fragment.append(safeLink(match[6], match[5]) ?? match[0]);
    } else if (match[7] !== undefined) {
      fragment.append(safeLink(match[7], match[7]) ?? match[0]);
    } else if (match[8] !== undefined) {
      const em = document.createElement("em");
      em.append(renderInline(match[8]));
      fragment.append(em);
    }
  }
  if (at < text.length) fragment.append(text.slice(at));
  return fragment;
}

/**
 * A link that opens in a new tab without giving it a handle on this page,
 * or null for anything but http(s) (`javascript:`, `data:` …).
 *
 * @param {string} href
 * @param {string} label
 * @returns {HTMLAnchorElement | null}
 */
export function safeLink(href, label) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const link = document.createElement("a");
  link.href = url.href;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  link.textContent = label;
  return link;
}
