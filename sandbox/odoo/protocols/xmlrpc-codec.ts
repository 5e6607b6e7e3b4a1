/**
 * XML-RPC codec: parses a `methodCall` the way Python's `xmlrpc.client.loads(data, use_datetime=True)`
 * does for Odoo, and serialises a `methodResponse` / fault the way Odoo's `OdooMarshaller` does
 * (`allow_none=False`, control characters stripped). Hand-written for speed: this is on the hot path.
 */
import { PythonError } from '../exceptions';

/** Malformed XML: Python raises `xml.parsers.expat.ExpatError`. */
export function expatError(message: string, src: string, pos: number): PythonError {
  let line = 1;
  let col = 0;
  for (let i = 0; i < pos && i < src.length; i++) {
    if (src.charCodeAt(i) === 10) {
      line++;
      col = 0;
    } else col++;
  }
  return new PythonError('ExpatError', `${message}: line ${line}, column ${col}`, 'xml.parsers.expat.ExpatError');
}

/** Well-formed XML that is not XML-RPC. */
function responseError(message: string): PythonError {
  return new PythonError('ResponseError', `ResponseError(${pyRepr(message)})`, 'xmlrpc.client.ResponseError');
}

export function pyRepr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

// Token kinds
const OPEN = 0;
const CLOSE = 1;
const SELF = 2;
const TEXT = 3;

interface Tokens {
  kind: number[];
  val: string[];
  pos: number[];
}

const ENTITY_RE = /&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z][a-zA-Z0-9]*);?/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(raw: string, src: string, pos: number): string {
  if (raw.indexOf('&') === -1) return raw.indexOf('\r') === -1 ? raw : raw.replace(/\r\n?/g, '\n');
  const out = raw.replace(ENTITY_RE, (m, ent: string, off: number) => {
    if (!m.endsWith(';')) throw expatError('not well-formed (invalid token)', src, pos + off);
    if (ent.charCodeAt(0) === 35 /* # */) {
      const code = ent.charCodeAt(1) === 120 ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      if (!(code >= 1 && code <= 0x10ffff) || (code < 32 && code !== 9 && code !== 10 && code !== 13)) {
        throw expatError('reference to invalid character number', src, pos + off);
      }
      return String.fromCodePoint(code);
    }
    const v = NAMED[ent];
    if (v === undefined) throw expatError('undefined entity', src, pos + off);
    return v;
  });
  if (out.indexOf('&') !== -1) {
    // A bare '&' that did not form an entity.
    const rest = raw.replace(ENTITY_RE, (m) => ' '.repeat(m.length));
    const i = rest.indexOf('&');
    if (i !== -1) throw expatError('not well-formed (invalid token)', src, pos + i);
  }
  return out.indexOf('\r') === -1 ? out : out.replace(/\r\n?/g, '\n');
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

function tokenize(src: string): Tokens {
  const kind: number[] = [];
  const val: string[] = [];
  const posArr: number[] = [];
  const n = src.length;
  let pos = 0;
  let depth = 0;
  const stack: string[] = [];
  let sawRoot = false;
  let pendingText: string | null = null;
  let pendingPos = 0;
  const flushText = (): void => {
    if (pendingText !== null) {
      kind.push(TEXT);
      val.push(pendingText);
      posArr.push(pendingPos);
      pendingText = null;
    }
  };
  const addText = (t: string, at: number): void => {
    if (depth === 0) {
      if (!isBlank(t)) throw expatError(sawRoot ? 'junk after document element' : 'syntax error', src, at);
      return;
    }
    if (pendingText === null) {
      pendingText = t;
      pendingPos = at;
    } else pendingText += t;
  };
  if (n === 0) throw expatError('no element found', src, 0);
  while (pos < n) {
    const lt = src.indexOf('<', pos);
    if (lt === -1) {
      addText(decodeText(src.slice(pos), src, pos), pos);
      pos = n;
      break;
    }
    if (lt > pos) addText(decodeText(src.slice(pos, lt), src, pos), pos);
    const c1 = src.charCodeAt(lt + 1);
    if (c1 === 33 /* ! */) {
      if (src.startsWith('<!--', lt)) {
        const end = src.indexOf('-->', lt + 4);
        if (end === -1) throw expatError('unclosed token', src, lt);
        pos = end + 3;
        continue;
      }
      if (src.startsWith('<![CDATA[', lt)) {
        if (depth === 0) throw expatError('syntax error', src, lt);
        const end = src.indexOf(']]>', lt + 9);
        if (end === -1) throw expatError('unclosed CDATA section', src, lt);
        addText(src.slice(lt + 9, end), lt);
        pos = end + 3;
        continue;
      }
      // DOCTYPE and friends: refused (no entity expansion games on a public endpoint).
      throw expatError('syntax error', src, lt);
    }
    if (c1 === 63 /* ? */) {
      const end = src.indexOf('?>', lt + 2);
      if (end === -1) throw expatError('unclosed token', src, lt);
      pos = end + 2;
      continue;
    }
    const gt = src.indexOf('>', lt + 1);
    if (gt === -1) throw expatError('unclosed token', src, lt);
    flushText();
    if (c1 === 47 /* / */) {
      const name = src.slice(lt + 2, gt).trim();
      if (!name) throw expatError('not well-formed (invalid token)', src, lt);
      if (depth === 0) throw expatError('not well-formed (invalid token)', src, lt);
      if (stack[depth - 1] !== name) throw expatError('mismatched tag', src, lt);
      kind.push(CLOSE);
      val.push(name);
      posArr.push(lt);
      depth--;
      pos = gt + 1;
      continue;
    }
    let inner = src.slice(lt + 1, gt);
    let self = false;
    if (inner.charCodeAt(inner.length - 1) === 47) {
      self = true;
      inner = inner.slice(0, -1);
    }
    let nameEnd = 0;
    while (nameEnd < inner.length) {
      const c = inner.charCodeAt(nameEnd);
      if (c === 32 || c === 9 || c === 10 || c === 13) break;
      // < > " ' = & cannot appear in a name
      if (c === 60 || c === 62 || c === 34 || c === 39 || c === 61 || c === 38) throw expatError('not well-formed (invalid token)', src, lt + 1 + nameEnd);
      nameEnd++;
    }
    const name = nameEnd === inner.length ? inner : inner.slice(0, nameEnd);
    if (!name) throw expatError('not well-formed (invalid token)', src, lt + 1);
    if (depth === 0 && sawRoot) throw expatError('junk after document element', src, lt);
    sawRoot = true;
    kind.push(self ? SELF : OPEN);
    val.push(name);
    posArr.push(lt);
    if (!self) stack[depth++] = name;
    pos = gt + 1;
  }
  flushText();
  if (!sawRoot) throw expatError('no element found', src, n);
  if (depth !== 0) throw expatError('no element found', src, n);
  return { kind, val, pos: posArr };
}

class Cursor {
  i = 0;
  constructor(readonly t: Tokens, readonly src: string) {}
  skipBlank(): void {
    const t = this.t;
    while (this.i < t.kind.length && t.kind[this.i] === TEXT && isBlank(t.val[this.i])) this.i++;
  }
  /** Consume `<name>`; returns true for `<name/>`. */
  open(name: string): boolean {
    this.skipBlank();
    const k = this.t.kind[this.i];
    if ((k === OPEN || k === SELF) && this.t.val[this.i] === name) {
      this.i++;
      return k === SELF;
    }
    throw this.unexpected(`expected <${name}>`);
  }
  close(name: string): void {
    this.skipBlank();
    if (this.t.kind[this.i] === CLOSE) {
      if (this.t.val[this.i] === name) {
        this.i++;
        return;
      }
      throw expatError('mismatched tag', this.src, this.t.pos[this.i]);
    }
    throw this.unexpected(`expected </${name}>`);
  }
  peekOpen(name: string): boolean {
    this.skipBlank();
    const k = this.t.kind[this.i];
    return (k === OPEN || k === SELF) && this.t.val[this.i] === name;
  }
  peekClose(): boolean {
    this.skipBlank();
    return this.t.kind[this.i] === CLOSE;
  }
  /** Text up to the closing tag of an element just opened (`self` = it was `<x/>`). */
  textUntilClose(name: string, self: boolean): string {
    if (self) return '';
    let text = '';
    if (this.t.kind[this.i] === TEXT) text = this.t.val[this.i++];
    if (this.t.kind[this.i] !== CLOSE) throw this.unexpected(`unexpected element inside <${name}>`);
    if (this.t.val[this.i] !== name) throw expatError('mismatched tag', this.src, this.t.pos[this.i]);
    this.i++;
    return text;
  }
  unexpected(what: string): PythonError {
    const k = this.t.kind[this.i];
    if (k === CLOSE) {
      // A close tag that does not match the element being read is a well-formedness error in expat
      // only if it mismatches; a premature close is an XML-RPC structure error.
      return responseError(`${what}, got </${this.t.val[this.i]}>`);
    }
    if (k === undefined) return responseError(`${what}, got end of document`);
    return responseError(`${what}, got ${k === TEXT ? 'text' : `<${this.t.val[this.i]}>`}`);
  }
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const INT_RE = /^\s*[+-]?\d+\s*$/;
const DATETIME_RE = /^\s*(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})/;

function parseValue(c: Cursor): unknown {
  const self = c.open('value');
  if (self) return '';
  const t = c.t;
  // Untyped value: text only (or empty).
  if (t.kind[c.i] === CLOSE) {
    c.close('value');
    return '';
  }
  if (t.kind[c.i] === TEXT) {
    const k2 = t.kind[c.i + 1];
    if (k2 === CLOSE) {
      const text = t.val[c.i];
      c.i++;
      c.close('value');
      return text;
    }
    if (!isBlank(t.val[c.i])) throw c.unexpected('text mixed with a typed value');
    c.i++;
  }
  const k = t.kind[c.i];
  if (k !== OPEN && k !== SELF) throw c.unexpected('expected a typed value');
  let tag = t.val[c.i];
  const isSelf = k === SELF;
  c.i++;
  const colon = tag.indexOf(':');
  const bare = colon === -1 ? tag : tag.slice(colon + 1);
  let result: unknown;
  switch (bare) {
    case 'string':
      result = c.textUntilClose(tag, isSelf);
      break;
    case 'int':
    case 'i4':
    case 'i8':
    case 'i1':
    case 'i2':
    case 'biginteger': {
      const s = c.textUntilClose(tag, isSelf);
      if (!INT_RE.test(s)) throw new PythonError('ValueError', `invalid literal for int() with base 10: ${pyRepr(s)}`);
      result = parseInt(s, 10);
      break;
    }
    case 'boolean': {
      const s = c.textUntilClose(tag, isSelf);
      if (s === '0') result = false;
      else if (s === '1') result = true;
      else throw new PythonError('TypeError', 'bad boolean value');
      break;
    }
    case 'double':
    case 'float':
    case 'bigdecimal': {
      const s = c.textUntilClose(tag, isSelf);
      const v = s.trim() === '' ? NaN : Number(s);
      if (Number.isNaN(v) && !/^\s*[+-]?nan\s*$/i.test(s)) {
        throw new PythonError('ValueError', `could not convert string to float: ${pyRepr(s)}`);
      }
      result = v;
      break;
    }
    case 'nil':
      if (!isSelf) c.textUntilClose(tag, false);
      result = null;
      break;
    case 'dateTime.iso8601': {
      const s = c.textUntilClose(tag, isSelf);
      const m = DATETIME_RE.exec(s);
      if (!m) throw new PythonError('ValueError', `time data ${pyRepr(s)} does not match format '%Y%m%dT%H:%M:%S'`);
      result = `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
      break;
    }
    case 'base64': {
      const s = c.textUntilClose(tag, isSelf).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) {
        throw new PythonError('Error', 'Incorrect padding', 'binascii.Error');
      }
      result = s;
      break;
    }
    case 'array': {
      const arr: unknown[] = [];
      if (!isSelf) {
        if (!c.peekClose()) {
          const dataSelf = c.open('data');
          if (!dataSelf) {
            while (!c.peekClose()) arr.push(parseValue(c));
            c.close('data');
          }
        }
        c.close(tag);
      }
      result = arr;
      break;
    }
    case 'struct': {
      const obj: Record<string, unknown> = {};
      if (!isSelf) {
        while (!c.peekClose()) {
          if (c.open('member')) throw c.unexpected('empty <member/>');
          const nameSelf = c.open('name');
          const key = c.textUntilClose('name', nameSelf);
          const v = parseValue(c);
          c.close('member');
          setKey(obj, key, v);
        }
        c.close(tag);
      }
      result = obj;
      break;
    }
    default:
      throw responseError(`unknown tag ${pyRepr(tag)}`);
  }
  c.close('value');
  tag = '';
  return result;
}

export interface MethodCall {
  methodName: string;
  params: unknown[];
}

/** Parse an XML-RPC `methodCall` document. Throws PythonError (ExpatError, ResponseError, ValueError...). */
export function parseMethodCall(xml: string): MethodCall {
  const tokens = tokenize(xml);
  const c = new Cursor(tokens, xml);
  if (c.open('methodCall')) throw responseError('empty methodCall');
  const nameSelf = c.open('methodName');
  const methodName = c.textUntilClose('methodName', nameSelf);
  const params: unknown[] = [];
  if (c.peekOpen('params')) {
    const pSelf = c.open('params');
    if (!pSelf) {
      while (!c.peekClose()) {
        if (c.open('param')) throw c.unexpected('empty <param/>');
        params.push(parseValue(c));
        c.close('param');
      }
      c.close('params');
    }
  }
  c.close('methodCall');
  return { methodName: methodName.trim(), params };
}

/** Parse a `methodResponse` (used by tests and the benchmark client). Faults become `{faultCode, faultString}` with `fault: true`. */
export function parseMethodResponse(xml: string): { fault: false; value: unknown } | { fault: true; faultCode: unknown; faultString: unknown } {
  const tokens = tokenize(xml);
  const c = new Cursor(tokens, xml);
  c.open('methodResponse');
  if (c.peekOpen('fault')) {
    c.open('fault');
    const v = parseValue(c) as Record<string, unknown>;
    c.close('fault');
    c.close('methodResponse');
    return { fault: true, faultCode: v.faultCode, faultString: v.faultString };
  }
  c.open('params');
  c.open('param');
  const value = parseValue(c);
  c.close('param');
  c.close('params');
  c.close('methodResponse');
  return { fault: false, value };
}

// ---------------------------------------------------------------------------------------------
// Serialisation

/** Thrown while marshalling; becomes fault 1 (after the call's work was committed, as in Odoo). */
export class MarshalError extends PythonError {}

// Control characters other than TAB, LF and CR are stripped (Odoo's marshaller), plus lone surrogates
// which cannot be encoded in UTF-8.
const NEEDS_ESCAPE = /[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]/;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = s.replace(CONTROL, '');
  if (out.indexOf('&') !== -1) out = out.replace(/&/g, '&amp;');
  if (out.indexOf('<') !== -1) out = out.replace(/</g, '&lt;');
  if (out.indexOf('>') !== -1) out = out.replace(/>/g, '&gt;');
  return out;
}

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function formatDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function dumpValue(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return `<value><string>${escapeXml(v)}</string></value>`;
    case 'number':
      if (Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX) return `<value><int>${v}</int></value>`;
      // Non-integral numbers, and integral ones beyond 32 bits (which in this ORM are float fields
      // such as large amounts), are doubles.
      if (Number.isNaN(v)) return '<value><double>nan</double></value>';
      if (!Number.isFinite(v)) return `<value><double>${v > 0 ? 'inf' : '-inf'}</double></value>`;
      return `<value><double>${Number.isInteger(v) ? `${v}.0` : String(v)}</double></value>`;
    case 'boolean':
      return v ? '<value><boolean>1</boolean></value>' : '<value><boolean>0</boolean></value>';
    case 'object': {
      if (v === null) throw new MarshalError('TypeError', 'cannot marshal None unless allow_none is enabled');
      if (depth > 256) throw new MarshalError('ValueError', 'cannot marshal recursive dictionaries');
      if (Array.isArray(v)) {
        let s = '<value><array><data>\n';
        for (let i = 0; i < v.length; i++) s += dumpValue(v[i], depth + 1) + '\n';
        return s + '</data></array></value>';
      }
      if (v instanceof Date) return `<value><string>${formatDate(v)}</string></value>`;
      if (Buffer.isBuffer(v)) return `<value><string>${escapeXml(v.toString('utf8'))}</string></value>`;
      let s = '<value><struct>\n';
      for (const key in v as Record<string, unknown>) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        const item = (v as Record<string, unknown>)[key];
        if (item === undefined) continue;
        s += `<member>\n<name>${escapeXml(key)}</name>\n${dumpValue(item, depth + 1)}\n</member>\n`;
      }
      return s + '</struct></value>';
    }
    case 'undefined':
      throw new MarshalError('TypeError', 'cannot marshal None unless allow_none is enabled');
    case 'bigint':
      if (v >= BigInt(INT_MIN) && v <= BigInt(INT_MAX)) return `<value><int>${v}</int></value>`;
      throw new MarshalError('OverflowError', 'int exceeds XML-RPC limits');
    default:
      throw new MarshalError('TypeError', `cannot marshal ${typeof v} objects`);
  }
}

const HEAD = "<?xml version='1.0'?>\n<methodResponse>\n";

/** Serialise a successful response. Throws MarshalError for None (null/undefined) anywhere in the value. */
export function dumpResponse(value: unknown): string {
  return `${HEAD}<params>\n<param>\n${dumpValue(value, 0)}\n</param>\n</params>\n</methodResponse>\n`;
}

/** Serialise a fault. faultCode is an int on /xmlrpc/2 and a string on the legacy /xmlrpc endpoints. */
export function dumpFault(faultCode: number | string, faultString: string): string {
  return (
    `${HEAD}<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n${dumpValue(faultCode, 0)}\n</member>\n` +
    `<member>\n<name>faultString</name>\n${dumpValue(faultString, 0)}\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n`
  );
}

/** Serialise a methodCall (tests and the benchmark client). null is sent as <nil/>. */
export function dumpMethodCall(methodName: string, params: unknown[]): string {
  let s = `<?xml version='1.0'?>\n<methodCall>\n<methodName>${escapeXml(methodName)}</methodName>\n<params>\n`;
  for (const p of params) s += `<param>\n${dumpCallValue(p)}\n</param>\n`;
  return s + '</params>\n</methodCall>\n';
}

function dumpCallValue(v: unknown): string {
  if (v === null || v === undefined) return '<value><nil/></value>';
  if (Array.isArray(v)) return `<value><array><data>\n${v.map(dumpCallValue).join('\n')}\n</data></array></value>`;
  if (typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) {
    let s = '<value><struct>\n';
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      s += `<member>\n<name>${escapeXml(k)}</name>\n${dumpCallValue(item)}\n</member>\n`;
    }
    return s + '</struct></value>';
  }
  return dumpValue(v, 0);
}
