/**
 * Mapper engine: a table of rules, each setting one target field, then optional validation with a zod
 * schema. No Node-RED import: JSONata is injected as a compile function (the node adapter passes
 * Node-RED's own RED.util.prepareJSONataExpression / evaluateJSONataExpression).
 */
import Mustache from 'mustache';
import type { z } from 'zod';
import { getPath, parsePath, setPath } from './paths';
import { TRANSFORMS, TransformError, applyTransform, type TransformName } from './transforms';

export const RULE_SOURCES = ['path', 'template', 'constant', 'map', 'jsonata'] as const;
export type RuleSource = (typeof RULE_SOURCES)[number];

export interface MappingRule {
  /** Output field (dotted path inside the output object, e.g. `name` or `address.city`). */
  target: string;
  source: RuleSource;
  /** source path: property path in msg (`payload.properties.email`); map: the input value's path. */
  path?: string;
  /** source template: mustache over msg (`{{payload.first}} {{payload.last}}`). */
  template?: string;
  /** source constant: the value itself (any JSON). */
  value?: unknown;
  /** source jsonata: the expression, evaluated against msg. */
  expression?: string;
  /** source map: input value (as text) -> output value. */
  map?: Record<string, unknown>;
  /** source map: value when no entry matches (absent: no value, so `default`/`required` apply). */
  mapDefault?: unknown;
  /** source map: match keys case-insensitively (and trimmed). */
  ignoreCase?: boolean;
  transforms?: TransformName[];
  /** Used when the value is missing (undefined, null or ''). */
  default?: unknown;
  required?: boolean;
}

export interface MappingIssue {
  /** The output field (rule target, or the schema path joined with dots). */
  field: string;
  /** Where the value came from (msg path, template, expression) or the output path for schema issues. */
  path: string;
  received: unknown;
  reason: string;
}

/** Compile a JSONata expression once; the returned function evaluates it against a msg. */
export type JsonataCompiler = (expression: string) => (msg: unknown) => Promise<unknown> | unknown;

export interface MapperOptions {
  jsonata?: JsonataCompiler;
  schema?: z.ZodType;
}

export type MapResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; value: Record<string, unknown>; issues: MappingIssue[] };

interface CompiledRule {
  rule: MappingRule;
  targetPath: Array<string | number>;
  origin: string;
  produce: (msg: unknown) => unknown;
  async: boolean;
}

const RENDER_OPTS: Mustache.RenderOptions = {
  escape: (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)),
};

const isMissing = (v: unknown) => v === undefined || v === null || v === '';

/** Configuration problems of a rule table (empty when it is usable). */
export function checkRules(rules: unknown, opts: { jsonata?: boolean } = {}): string[] {
  const errors: string[] = [];
  if (!Array.isArray(rules)) return ['rules must be an array'];
  const targets = new Set<string>();
  rules.forEach((r: Partial<MappingRule>, i) => {
    const at = `rule ${i + 1}`;
    if (!r || typeof r !== 'object') return void errors.push(`${at}: not an object`);
    if (typeof r.target !== 'string' || r.target.trim() === '') errors.push(`${at}: target is required`);
    else {
      try {
        parsePath(r.target);
      } catch (e) {
        errors.push(`${at}: ${(e as Error).message}`);
      }
      if (targets.has(r.target)) errors.push(`${at}: target "${r.target}" is set twice`);
      targets.add(r.target);
    }
    if (!RULE_SOURCES.includes(r.source as RuleSource)) errors.push(`${at}: unknown source "${String(r.source)}"`);
    if ((r.source === 'path' || r.source === 'map') && (typeof r.path !== 'string' || !r.path)) errors.push(`${at}: path is required`);
    if ((r.source === 'path' || r.source === 'map') && typeof r.path === 'string' && r.path) {
      try {
        parsePath(r.path);
      } catch (e) {
        errors.push(`${at}: ${(e as Error).message}`);
      }
    }
    if (r.source === 'template') {
      if (typeof r.template !== 'string') errors.push(`${at}: template is required`);
      else {
        try {
          Mustache.parse(r.template);
        } catch (e) {
          errors.push(`${at}: bad template: ${(e as Error).message}`);
        }
      }
    }
    if (r.source === 'map' && (!r.map || typeof r.map !== 'object' || Array.isArray(r.map))) errors.push(`${at}: map must be an object`);
    if (r.source === 'jsonata') {
      if (typeof r.expression !== 'string' || !r.expression.trim()) errors.push(`${at}: expression is required`);
      else if (opts.jsonata === false) errors.push(`${at}: no JSONata evaluator available`);
    }
    if (r.transforms !== undefined) {
      if (!Array.isArray(r.transforms)) errors.push(`${at}: transforms must be an array`);
      else for (const t of r.transforms) if (!TRANSFORMS.includes(t)) errors.push(`${at}: unknown transform "${String(t)}"`);
    }
  });
  return errors;
}

export class Mapper {
  private compiled: CompiledRule[];
  private schema?: z.ZodType;
  private anyAsync: boolean;

  constructor(rules: MappingRule[], opts: MapperOptions = {}) {
    const errors = checkRules(rules, { jsonata: !!opts.jsonata });
    if (errors.length) throw new Error(`invalid mapping rules: ${errors.join('; ')}`);
    this.schema = opts.schema;
    this.compiled = rules.map((rule) => compileRule(rule, opts.jsonata));
    this.anyAsync = this.compiled.some((c) => c.async);
  }

  /** Map a message. Never throws: expression failures become issues. */
  async run(msg: unknown): Promise<MapResult> {
    const values: unknown[] = new Array(this.compiled.length);
    const errors: Array<Error | undefined> = new Array(this.compiled.length);
    for (let i = 0; i < this.compiled.length; i++) {
      try {
        values[i] = this.compiled[i].produce(msg);
      } catch (e) {
        errors[i] = e as Error;
      }
    }
    if (this.anyAsync) {
      for (let i = 0; i < values.length; i++) {
        if (this.compiled[i].async && !errors[i]) {
          try {
            values[i] = plain(await values[i]);
          } catch (e) {
            errors[i] = e instanceof Error ? e : new Error(String((e as { message?: unknown })?.message ?? e));
          }
        }
      }
    }
    return this.finish(values, errors);
  }

  private finish(values: unknown[], errors: Array<Error | undefined>): MapResult {
    const out: Record<string, unknown> = {};
    const issues: MappingIssue[] = [];
    for (let i = 0; i < this.compiled.length; i++) {
      const c = this.compiled[i];
      const { rule } = c;
      if (errors[i]) {
        const err = errors[i] as Error & { received?: unknown };
        issues.push({ field: rule.target, path: c.origin, received: err.received, reason: err.message });
        continue;
      }
      const raw = values[i];
      let v = raw;
      let failed = false;
      if (rule.transforms) {
        for (const t of rule.transforms) {
          try {
            v = applyTransform(t, v);
          } catch (e) {
            issues.push({ field: rule.target, path: c.origin, received: raw, reason: e instanceof TransformError ? e.message : String(e) });
            failed = true;
            break;
          }
        }
      }
      if (failed) continue;
      if (isMissing(v) && rule.default !== undefined) v = rule.default;
      if (isMissing(v)) {
        if (rule.required) issues.push({ field: rule.target, path: c.origin, received: raw, reason: 'required' });
        continue;
      }
      setPath(out, c.targetPath, v);
    }
    if (issues.length === 0 && this.schema) {
      const parsed = this.schema.safeParse(out, { reportInput: true });
      if (parsed.success) return { ok: true, value: parsed.data as Record<string, unknown> };
      for (const issue of parsed.error.issues) issues.push(zodIssue(issue, out));
    }
    return issues.length ? { ok: false, value: out, issues } : { ok: true, value: out };
  }
}

/** JSONata results carry extra array properties (`sequence`, `keepSingleton`): give back plain JSON. */
function plain(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : v;
}

function zodIssue(issue: z.core.$ZodIssue, out: Record<string, unknown>): MappingIssue {
  const path = issue.path.map((p) => String(p));
  const field = path.join('.') || '(root)';
  let received: unknown = (issue as { input?: unknown }).input;
  if (received === undefined && path.length) received = getPath(out, issue.path as Array<string | number>);
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    return { field: keys.join(', ') || field, path: [...path, ...keys].join('.') || field, received: keys.map((k) => getPath(out, [...(issue.path as Array<string | number>), k])), reason: issue.message };
  }
  return { field, path: field, received, reason: issue.message };
}

function compileRule(rule: MappingRule, jsonata?: JsonataCompiler): CompiledRule {
  const targetPath = parsePath(rule.target);
  switch (rule.source) {
    case 'path': {
      const p = parsePath(rule.path as string);
      return { rule, targetPath, origin: `msg.${rule.path}`, async: false, produce: (msg) => getPath(msg, p) };
    }
    case 'template': {
      const tpl = rule.template as string;
      Mustache.parse(tpl);
      return { rule, targetPath, origin: tpl, async: false, produce: (msg) => Mustache.render(tpl, msg, {}, RENDER_OPTS) };
    }
    case 'constant': {
      const value = rule.value;
      const frozen = value !== null && typeof value === 'object' ? JSON.stringify(value) : undefined;
      return { rule, targetPath, origin: 'constant', async: false, produce: () => (frozen !== undefined ? JSON.parse(frozen) : value) };
    }
    case 'map': {
      const p = parsePath(rule.path as string);
      const table = new Map<string, unknown>();
      for (const [k, v] of Object.entries(rule.map ?? {})) table.set(rule.ignoreCase ? k.trim().toLowerCase() : k, v);
      const hasDefault = Object.prototype.hasOwnProperty.call(rule, 'mapDefault');
      return {
        rule,
        targetPath,
        origin: `msg.${rule.path}`,
        async: false,
        produce: (msg) => {
          const v = getPath(msg, p);
          if (v === undefined || v === null) return hasDefault ? rule.mapDefault : undefined;
          const key = rule.ignoreCase ? String(v).trim().toLowerCase() : String(v);
          if (table.has(key)) return table.get(key);
          if (hasDefault) return rule.mapDefault;
          throw Object.assign(new TransformError(`no mapping for ${JSON.stringify(v)}`), { received: v });
        },
      };
    }
    case 'jsonata': {
      if (!jsonata) throw new Error('no JSONata evaluator');
      const evaluate = jsonata(rule.expression as string);
      return { rule, targetPath, origin: rule.expression as string, async: true, produce: (msg) => evaluate(msg) };
    }
    default:
      throw new Error(`unknown source ${String(rule.source)}`);
  }
}

/** Rules may be stored as a JSON string (the node property) or an array. */
export function parseRules(rules: unknown): MappingRule[] {
  if (typeof rules === 'string') {
    const text = rules.trim();
    return text ? (JSON.parse(text) as MappingRule[]) : [];
  }
  return (rules ?? []) as MappingRule[];
}
