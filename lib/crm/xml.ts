/**
 * A small, strict XML reader for SOAP envelopes (Salesforce outbound messages): elements,
 * attributes, text, CDATA, comments, the five named entities and numeric references.
 * DOCTYPE declarations are refused (no entity expansion). Throws XmlError on malformed input.
 */

export interface XmlElement {
  /** Local name (prefix stripped). */
  name: string;
  prefix?: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlError extends Error {}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);|&/g, (m, ent: string | undefined) => {
    if (!ent) throw new XmlError(`bare '&' near offset ${at}`);
    if (ent[0] === '#') {
      const code = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff) throw new XmlError(`bad character reference &${ent};`);
      return String.fromCodePoint(code);
    }
    const v = NAMED[ent];
    if (v === undefined) throw new XmlError(`unknown entity &${ent};`);
    return v;
  });
}

export function parseXml(input: string): XmlElement {
  let i = 0;
  const n = input.length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const NAME = /[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?/y;

  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(input);
    if (!m) throw new XmlError(`expected a name at offset ${i}`);
    i += m[0].length;
    return m[0];
  };
  const skipWs = () => { while (i < n && /\s/.test(input[i])) i++; };

  if (input.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    if (input.startsWith('<?', i)) {
      const end = input.indexOf('?>', i);
      if (end < 0) throw new XmlError('unterminated processing instruction');
      i = end + 2;
    } else if (input.startsWith('<!--', i)) {
      const end = input.indexOf('-->', i);
      if (end < 0) throw new XmlError('unterminated comment');
      i = end + 3;
    } else if (input.startsWith('<!DOCTYPE', i) || input.startsWith('<!ENTITY', i)) {
      throw new XmlError('DOCTYPE/ENTITY declarations are not accepted');
    } else if (input.startsWith('<![CDATA[', i)) {
      const end = input.indexOf(']]>', i);
      if (end < 0) throw new XmlError('unterminated CDATA section');
      if (!stack.length) throw new XmlError('CDATA outside the root element');
      stack[stack.length - 1].text += input.slice(i + 9, end);
      i = end + 3;
    } else if (input.startsWith('</', i)) {
      i += 2;
      const full = readName();
      skipWs();
      if (input[i] !== '>') throw new XmlError(`expected '>' at offset ${i}`);
      i++;
      const open = stack.pop();
      const openFull = open ? (open.prefix ? `${open.prefix}:${open.name}` : open.name) : undefined;
      if (!open || openFull !== full) throw new XmlError(`mismatched closing tag </${full}>${openFull ? ` (open: <${openFull}>)` : ''}`);
    } else if (input[i] === '<') {
      i++;
      const full = readName();
      const [prefix, name] = full.includes(':') ? full.split(':') : [undefined, full];
      const el: XmlElement = { name, ...(prefix ? { prefix } : {}), attrs: {}, children: [], text: '' };
      let selfClosing = false;
      for (;;) {
        skipWs();
        if (input.startsWith('/>', i)) { i += 2; selfClosing = true; break; }
        if (input[i] === '>') { i++; break; }
        if (i >= n) throw new XmlError('unterminated start tag');
        const attr = readName();
        skipWs();
        if (input[i] !== '=') throw new XmlError(`expected '=' after attribute ${attr}`);
        i++;
        skipWs();
        const q = input[i];
        if (q !== '"' && q !== "'") throw new XmlError(`expected a quoted value for attribute ${attr}`);
        const end = input.indexOf(q, i + 1);
        if (end < 0) throw new XmlError('unterminated attribute value');
        el.attrs[attr] = decode(input.slice(i + 1, end), i);
        i = end + 1;
      }
      if (stack.length) stack[stack.length - 1].children.push(el);
      else if (root) throw new XmlError('more than one root element');
      else root = el;
      if (!selfClosing) stack.push(el);
    } else {
      const end = input.indexOf('<', i);
      const chunk = input.slice(i, end < 0 ? n : end);
      if (stack.length) stack[stack.length - 1].text += decode(chunk, i);
      else if (chunk.trim()) throw new XmlError('text outside the root element');
      i = end < 0 ? n : end;
    }
  }
  if (stack.length) throw new XmlError(`unclosed element <${stack[stack.length - 1].name}>`);
  if (!root) throw new XmlError('no root element');
  return root;
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el?.children.filter((c) => c.name === name) ?? [];
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
