/**
 * Odoo's domain language, evaluated in memory: normalisation of the prefix notation, then
 * compilation of the tree into a predicate over stored rows (see docs/sandbox-orm.md, "Domains").
 */
import { PythonError } from '../exceptions';
import type { Domain, OdooVersion, Row } from './schema';
import type { FieldInfo, ModelInfo } from './registry';
import { pyRepr, pyTuple } from './pyrepr';

export type DomainNode =
  | { kind: 'and' | 'or'; children: DomainNode[] }
  | { kind: 'not'; child: DomainNode }
  | { kind: 'leaf'; path: string; operator: string; value: unknown; raw: unknown[] }
  | { kind: 'const'; value: boolean };

export const TERM_OPERATORS = new Set([
  '=', '!=', '<>', '<=', '<', '>', '>=', '=?', '=like', '=ilike', 'like', 'not like', 'ilike', 'not ilike',
  'not =like', 'not =ilike', 'in', 'not in', 'child_of', 'parent_of', 'any', 'not any',
]);

const NEGATIVE = new Set(['!=', 'not like', 'not ilike', 'not =like', 'not =ilike', 'not in', 'not any']);
const NEGATION: Record<string, string> = {
  '!=': '=', 'not like': 'like', 'not ilike': 'ilike', 'not =like': '=like', 'not =ilike': '=ilike', 'not in': 'in', 'not any': 'any',
};

/** What the compiler needs from the ORM core. */
export interface DomainHost {
  readonly version: OdooVersion;
  info(model: string): ModelInfo;
  row(model: string, id: number): Row | undefined;
  allRows(model: string): Iterable<Row>;
  /** Value of any field (stored or computed) in read shape with load=null; numbers unset = null. */
  value(model: string, row: Row, field: FieldInfo): unknown;
  /** ids whose stored `field` equals value (index). */
  lookup(model: string, field: string, value: unknown): ReadonlySet<number>;
  /** one2many / many2many ids (unfiltered). */
  x2many(model: string, row: Row, field: FieldInfo): number[];
  /** ids of `model` matching a domain (applying active_test when asked). */
  searchIds(model: string, domain: Domain, activeTest: boolean): Set<number>;
  /** ids of `model` whose display name matches (operator is positive: =, in, like family). */
  nameSearchIds(model: string, operator: string, value: unknown): Set<number>;
  /** Domain from a computed field's `search` function. */
  computedSearch(model: string, field: FieldInfo, operator: string, value: unknown): Domain;
  /** active_test of the current context */
  readonly activeTest: boolean;
}

function leafWord(v: OdooVersion): string {
  return v >= 18 ? 'condition' : 'leaf';
}

function isLeafLike(t: unknown): t is unknown[] {
  return Array.isArray(t);
}

/** Normalise to a tree: implicit ANDs, arity checks, '<>' -> '!='. Raises ValueError like Odoo. */
export function parseDomain(domain: unknown, version: OdooVersion): DomainNode {
  if (domain === null || domain === undefined || domain === false) return { kind: 'const', value: true };
  if (!Array.isArray(domain)) {
    throw new PythonError('ValueError', `Invalid domain: ${pyRepr(domain)}`);
  }
  if (domain.length === 0) return { kind: 'const', value: true };
  // Odoo's normalize_domain: insert '&' where terms are juxtaposed
  const tokens: unknown[] = [];
  let expected = 1;
  for (const token of domain) {
    if (expected === 0) {
      tokens.unshift('&');
      expected = 1;
    }
    if (isLeafLike(token)) {
      expected -= 1;
    } else if (token === '&' || token === '|') {
      expected += 1;
    } else if (token === '!') {
      expected += 0;
    } else {
      throw new PythonError('ValueError', `Invalid domain term ${pyRepr(token)}`);
    }
    tokens.push(token);
  }
  if (expected !== 0) throw new PythonError('ValueError', `Domain ${pyRepr(domain)} is syntactically not correct.`);
  let pos = 0;
  const parse = (): DomainNode => {
    const t = tokens[pos++];
    if (t === '&' || t === '|') {
      const a = parse();
      const b = parse();
      const kind = t === '&' ? 'and' : 'or';
      const children: DomainNode[] = [];
      for (const c of [a, b]) {
        if (c.kind === kind) children.push(...c.children);
        else children.push(c);
      }
      return { kind, children };
    }
    if (t === '!') return { kind: 'not', child: parse() };
    return parseLeaf(t as unknown[], version);
  };
  const tree = parse();
  return tree;
}

function parseLeaf(t: unknown[], version: OdooVersion): DomainNode {
  if (t.length !== 3) throw new PythonError('ValueError', `Invalid ${leafWord(version)} ${pyTuple(t)}`);
  const [left, op0, right] = t;
  if ((left === 1 || left === 0) && op0 === '=' && right === 1) return { kind: 'const', value: left === 1 };
  if (typeof op0 !== 'string') throw new PythonError('ValueError', `Invalid ${leafWord(version)} ${pyTuple(t)}`);
  let operator = op0.toLowerCase();
  if (!TERM_OPERATORS.has(operator)) {
    throw new PythonError('ValueError', version >= 18 ? `Invalid operator in ${pyTuple(t)}` : `Invalid leaf ${pyTuple(t)}`);
  }
  if (operator === '<>') operator = '!=';
  if (typeof left !== 'string' || !left) throw new PythonError('ValueError', `Invalid ${leafWord(version)} ${pyTuple(t)}`);
  return { kind: 'leaf', path: left, operator, value: right, raw: t };
}

/** Every field name used in leaves (any depth), for the active_test rule. */
export function leafFields(node: DomainNode, out: string[] = []): string[] {
  if (node.kind === 'leaf') out.push(node.path);
  else if (node.kind === 'and' || node.kind === 'or') node.children.forEach((c) => leafFields(c, out));
  else if (node.kind === 'not') leafFields(node.child, out);
  return out;
}

export type Predicate = (row: Row) => boolean;

const TRUE: Predicate = () => true;
const FALSE: Predicate = () => false;

export function compile(host: DomainHost, model: ModelInfo, node: DomainNode): Predicate {
  switch (node.kind) {
    case 'const':
      return node.value ? TRUE : FALSE;
    case 'and': {
      const ps = node.children.map((c) => compile(host, model, c));
      return (r) => {
        for (const p of ps) if (!p(r)) return false;
        return true;
      };
    }
    case 'or': {
      const ps = node.children.map((c) => compile(host, model, c));
      return (r) => {
        for (const p of ps) if (p(r)) return true;
        return false;
      };
    }
    case 'not': {
      const p = compile(host, model, node.child);
      return (r) => !p(r);
    }
    case 'leaf':
      return compileLeaf(host, model, node);
  }
}

function invalidField(host: DomainHost, model: ModelInfo, fname: string, raw: unknown[]): PythonError {
  return new PythonError('ValueError', `Invalid field ${model.name}.${fname} in ${leafWord(host.version)} ${pyTuple(raw)}`);
}

function isFalsy(v: unknown): boolean {
  return v === false || v === null || v === undefined;
}

function toList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return [v];
}

/** SQL LIKE pattern to RegExp: % any run, _ one char, backslash escapes. */
export function likeRegex(pattern: string, insensitive: boolean): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]);
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRe(c);
  }
  return new RegExp(re + '$', insensitive ? 'iu' : 'u');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function isRelational(f: FieldInfo): boolean {
  return f.type === 'many2one' || f.type === 'one2many' || f.type === 'many2many';
}

function compileLeaf(host: DomainHost, model: ModelInfo, leaf: Extract<DomainNode, { kind: 'leaf' }>): Predicate {
  const { path, operator, raw } = leaf;
  let value = leaf.value;
  const dot = path.indexOf('.');
  const fname = dot < 0 ? path : path.slice(0, dot);
  const rest = dot < 0 ? '' : path.slice(dot + 1);
  const f = model.fields.get(fname);
  if (!f) throw invalidField(host, model, fname, raw);

  // related fields: search through their path
  if (f.relatedPath) {
    const full = f.relatedPath.join('.') + (rest ? `.${rest}` : '');
    return compileLeaf(host, model, { ...leaf, path: full });
  }

  if (rest) {
    if (!isRelational(f)) throw invalidField(host, model, path, raw);
    const comodel = host.info(f.relation!);
    const sub = compileLeaf(host, comodel, { kind: 'leaf', path: rest, operator, value, raw });
    return relationalAny(host, model, f, comodel, sub, false);
  }

  if (f.computed && !f.stored) {
    if (f.search) {
      const d = host.computedSearch(model.name, f, operator, value);
      return compile(host, model, parseDomain(d, host.version));
    }
    if (f.searchable === false || f.type === 'one2many' && !f.inverseName) {
      throw new PythonError('ValueError', `Non-stored field ${model.name}.${f.name} cannot be searched.`);
    }
  }

  if (operator === '=?') {
    if (isFalsy(value)) return TRUE;
    return compileLeaf(host, model, { ...leaf, operator: '=' });
  }

  if (operator === 'any' || operator === 'not any') {
    if (!isRelational(f)) {
      throw new PythonError('ValueError', `Invalid ${leafWord(host.version)} ${pyTuple(raw)}: ${operator} needs a relational field`);
    }
    const comodel = host.info(f.relation!);
    const subTree = parseDomain(value, host.version);
    const sub = compile(host, comodel, subTree);
    const p = relationalAny(host, model, f, comodel, sub, f.type !== 'many2one');
    return operator === 'any' ? p : (r) => !p(r);
  }

  if (operator === 'child_of' || operator === 'parent_of') {
    const comodel = f.name === 'id' ? model : f.relation ? host.info(f.relation) : null;
    if (!comodel) throw new PythonError('ValueError', `Invalid ${leafWord(host.version)} ${pyTuple(raw)}`);
    const ids = toIds(host, comodel, value);
    const set = operator === 'child_of' ? descendants(host, comodel, ids) : ancestors(host, comodel, ids);
    return inSet(host, model, f, set, false);
  }

  // many2one / x2many compared with names
  if (isRelational(f) && f.name !== 'id') {
    const list = toList(value);
    const isNames = typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'string'));
    const likeOp = /like/.test(operator);
    if (isNames || likeOp) {
      const positive = NEGATIVE.has(operator) ? NEGATION[operator] : operator;
      if (likeOp && (value === '' || isFalsy(value))) {
        // Odoo: ilike '' matches every record (set or not); not ilike '' matches none
        return NEGATIVE.has(operator) ? FALSE : TRUE;
      }
      const ids = host.nameSearchIds(f.relation!, positive === '!=' ? '=' : positive, value);
      if (f.type === 'many2one') {
        if (NEGATIVE.has(operator)) return (r) => { const v = host.value(model.name, r, f); return !isFalsy(v) && !ids.has(v as number); };
        return (r) => ids.has(host.value(model.name, r, f) as number);
      }
      const p = (r: Row) => host.x2many(model.name, r, f).some((id) => ids.has(id));
      return NEGATIVE.has(operator) ? (r) => !p(r) : p;
    }
    if (f.type !== 'many2one') {
      // x2many compared with ids
      const comodel = host.info(f.relation!);
      const related = (r: Row) => activeFilter(host, comodel, host.x2many(model.name, r, f), true);
      switch (operator) {
        case '=': case 'in': {
          if (list.length === 1 && isFalsy(list[0])) return (r) => related(r).length === 0;
          const set = new Set(list.filter((x) => !isFalsy(x)).map(Number));
          const withEmpty = list.some(isFalsy);
          return (r) => { const ids = related(r); return ids.some((id) => set.has(id)) || (withEmpty && ids.length === 0); };
        }
        case '!=': case 'not in': {
          if (list.length === 1 && isFalsy(list[0])) return (r) => related(r).length > 0;
          const set = new Set(list.filter((x) => !isFalsy(x)).map(Number));
          const withEmpty = list.some(isFalsy);
          return (r) => { const ids = related(r); return !ids.some((id) => set.has(id)) && !(withEmpty && ids.length === 0); };
        }
        default:
          throw new PythonError('ValueError', `Invalid ${leafWord(host.version)} ${pyTuple(raw)}`);
      }
    }
  }

  return scalarPredicate(host, model, f, operator, value, raw);
}

function activeFilter(host: DomainHost, comodel: ModelInfo, ids: number[], apply: boolean): number[] {
  if (!apply || !comodel.hasActive || !host.activeTest) return ids;
  return ids.filter((id) => host.row(comodel.name, id)?.active !== false);
}

function relationalAny(host: DomainHost, model: ModelInfo, f: FieldInfo, comodel: ModelInfo, sub: Predicate, x2manyActive: boolean): Predicate {
  if (f.type === 'many2one') {
    return (r) => {
      const id = host.value(model.name, r, f);
      if (isFalsy(id)) return false;
      const target = host.row(comodel.name, id as number);
      return !!target && sub(target);
    };
  }
  return (r) => {
    for (const id of activeFilter(host, comodel, host.x2many(model.name, r, f), x2manyActive || true)) {
      const target = host.row(comodel.name, id);
      if (target && sub(target)) return true;
    }
    return false;
  };
}

function inSet(host: DomainHost, model: ModelInfo, f: FieldInfo, set: Set<number>, negate: boolean): Predicate {
  let p: Predicate;
  if (f.name === 'id') p = (r) => set.has(r.id);
  else if (f.type === 'many2one') p = (r) => set.has(host.value(model.name, r, f) as number);
  else if (f.type === 'one2many' || f.type === 'many2many') p = (r) => host.x2many(model.name, r, f).some((id) => set.has(id));
  else p = (r) => set.has(host.value(model.name, r, f) as number);
  return negate ? (r) => !p(r) : p;
}

function toIds(host: DomainHost, comodel: ModelInfo, value: unknown): number[] {
  const out: number[] = [];
  for (const v of toList(value)) {
    if (typeof v === 'number') out.push(v);
    else if (typeof v === 'string') out.push(...host.nameSearchIds(comodel.name, 'ilike', v));
    else if (isFalsy(v)) continue;
  }
  return out;
}

function descendants(host: DomainHost, m: ModelInfo, ids: number[]): Set<number> {
  const result = new Set(ids.filter((id) => host.row(m.name, id)));
  if (!m.parentName) return result;
  const pf = m.fields.get(m.parentName)!;
  const stack = [...result];
  while (stack.length) {
    const id = stack.pop()!;
    const children = pf.stored ? host.lookup(m.name, pf.name, id) : childrenScan(host, m, pf, id);
    for (const c of children) {
      if (!result.has(c)) {
        result.add(c);
        stack.push(c);
      }
    }
  }
  return result;
}

function childrenScan(host: DomainHost, m: ModelInfo, pf: FieldInfo, id: number): number[] {
  const out: number[] = [];
  for (const r of host.allRows(m.name)) if (host.value(m.name, r, pf) === id) out.push(r.id);
  return out;
}

function ancestors(host: DomainHost, m: ModelInfo, ids: number[]): Set<number> {
  const result = new Set<number>();
  const pf = m.parentName ? m.fields.get(m.parentName)! : null;
  for (let id of ids) {
    while (typeof id === 'number' && !result.has(id)) {
      const row = host.row(m.name, id);
      if (!row) break;
      result.add(id);
      if (!pf) break;
      id = host.value(m.name, row, pf) as number;
    }
  }
  return result;
}

/** Normalise a comparison value to the stored representation of the field. */
export function normalizeValue(f: FieldInfo, v: unknown): unknown {
  if (v instanceof Date) {
    const iso = v.toISOString();
    return f.type === 'date' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  if (typeof v === 'string') {
    if (f.type === 'datetime') {
      let s = v.replace('T', ' ').replace(/Z$/, '');
      if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += ' 00:00:00';
      s = s.replace(/(\d{2}:\d{2}:\d{2})\.\d+$/, '$1');
      return s;
    }
    if ((f.type === 'integer' || f.type === 'float' || f.type === 'monetary' || f.type === 'many2one' || f.name === 'id') && v.trim() !== '' && !Number.isNaN(Number(v))) {
      return Number(v);
    }
  }
  if (f.type === 'boolean' && (v === 1 || v === 0)) return v === 1;
  return v;
}

function cmp(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function scalarPredicate(host: DomainHost, model: ModelInfo, f: FieldInfo, operator: string, value0: unknown, raw: unknown[]): Predicate {
  const get = f.name === 'id' ? (r: Row) => r.id : (r: Row) => host.value(model.name, r, f);
  const isBool = f.type === 'boolean';
  const unset = isBool ? (v: unknown) => v !== true : isFalsy;
  const norm = (v: unknown) => normalizeValue(f, v);
  switch (operator) {
    case '=': {
      if (isFalsy(value0) || (isBool && value0 === 0)) return (r) => unset(get(r));
      const value = norm(value0);
      if (isBool) return (r) => get(r) === !!value;
      return (r) => {
        const v = get(r);
        return !isFalsy(v) && cmp(v, value) === 0 && typeof v === typeof value;
      };
    }
    case '!=': {
      if (isFalsy(value0) || (isBool && value0 === 0)) return (r) => !unset(get(r));
      const value = norm(value0);
      if (isBool) return (r) => get(r) !== !!value;
      return (r) => {
        const v = get(r);
        return isFalsy(v) || !(cmp(v, value) === 0 && typeof v === typeof value);
      };
    }
    case 'in':
    case 'not in': {
      const list = toList(value0);
      const withFalse = list.some((x) => isFalsy(x) || (isBool && x === 0));
      const vals = new Set(list.filter((x) => !isFalsy(x)).map((x) => (isBool ? !!norm(x) : norm(x))));
      const pos = (r: Row) => {
        const v = get(r);
        if (unset(v) && !isBool) return withFalse;
        if (isBool) return vals.has(v === true) || (withFalse && v !== true);
        return vals.has(v);
      };
      if (operator === 'in') return pos;
      return (r) => !pos(r);
    }
    case '<': case '>': case '<=': case '>=': {
      if (isFalsy(value0) && !isBool) return FALSE;
      const value = norm(value0);
      const test = operator === '<' ? (c: number) => c < 0 : operator === '>' ? (c: number) => c > 0 : operator === '<=' ? (c: number) => c <= 0 : (c: number) => c >= 0;
      return (r) => {
        const v = get(r);
        if (isFalsy(v) && !(isBool && v === false)) return false;
        return test(cmp(v, value));
      };
    }
    case 'like': case 'ilike': case 'not like': case 'not ilike':
    case '=like': case '=ilike': case 'not =like': case 'not =ilike': {
      const negative = operator.startsWith('not ');
      const base = negative ? operator.slice(4) : operator;
      const wrap = base === 'like' || base === 'ilike';
      if (wrap && (value0 === '' || isFalsy(value0))) return negative ? FALSE : TRUE;
      if (typeof value0 !== 'string' && typeof value0 !== 'number') {
        throw new PythonError('ValueError', `Invalid ${leafWord(host.version)} ${pyTuple(raw)}`);
      }
      const pattern = wrap ? `%${value0}%` : String(value0);
      const re = likeRegex(pattern, base.includes('ilike'));
      if (f.type === 'selection' || f.type === 'char' || f.type === 'text' || f.type === 'html' || f.type === 'date' || f.type === 'datetime' || f.type === 'integer' || f.type === 'float' || f.type === 'monetary' || f.type === 'binary' || f.type === 'boolean' || f.name === 'id') {
        return (r) => {
          const v = get(r);
          if (isFalsy(v) && !(isBool && v === false)) return negative;
          return re.test(String(v)) !== negative;
        };
      }
      throw new PythonError('ValueError', `Invalid ${leafWord(host.version)} ${pyTuple(raw)}`);
    }
    default:
      throw new PythonError('ValueError', `Invalid ${leafWord(host.version)} ${pyTuple(raw)}`);
  }
}

/** Candidate ids for a top-level id filter, to avoid scanning the table. */
export function idCandidates(node: DomainNode): number[] | null {
  if (node.kind === 'leaf' && node.path === 'id' && (node.operator === '=' || node.operator === 'in')) {
    const list = toList(node.value);
    if (list.every((x) => typeof x === 'number')) return list as number[];
  }
  if (node.kind === 'and') {
    for (const c of node.children) {
      const ids = idCandidates(c);
      if (ids) return ids;
    }
  }
  return null;
}

/** Stored many2one equality leaf at the top level: [field, ids] for an index lookup. */
export function indexCandidates(node: DomainNode, model: ModelInfo): { field: string; values: unknown[] } | null {
  if (node.kind === 'leaf' && (node.operator === '=' || node.operator === 'in') && !node.path.includes('.')) {
    const f = model.fields.get(node.path);
    if (f && f.stored && (f.type === 'many2one' || f.index) && !f.relatedPath) {
      const list = toList(node.value);
      if (list.length > 0 && list.every((x) => typeof x === 'number' || (f.type !== 'many2one' && typeof x === 'string'))) return { field: f.name, values: list };
    }
  }
  if (node.kind === 'and') {
    for (const c of node.children) {
      const r = indexCandidates(c, model);
      if (r) return r;
    }
  }
  return null;
}

/** Number of top-level expressions in a domain list (they are implicitly AND-ed). */
export function topLevelCount(domain: unknown[]): number {
  let n = 0;
  let need = 0;
  for (const t of domain) {
    if (need === 0) {
      n++;
      need = 1;
    }
    if (t === '&' || t === '|') need += 1;
    else if (t === '!') continue;
    else need -= 1;
  }
  return n;
}

/** A domain as one expression: the implicit ANDs made explicit. */
export function andAll(domain: unknown[]): unknown[] {
  const n = topLevelCount(domain);
  const out: unknown[] = [];
  for (let i = 1; i < n; i++) out.push('&');
  return [...out, ...domain];
}

/** AND of several domains as one expression. */
export function andDomains(...domains: unknown[][]): unknown[] {
  const parts = domains.filter((d) => d.length).map(andAll);
  if (!parts.length) return [];
  const out: unknown[] = [];
  for (let i = 1; i < parts.length; i++) out.push('&');
  for (const p of parts) out.push(...p);
  return out;
}
