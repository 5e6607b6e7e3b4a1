/** Property paths like Node-RED's: `payload.lines[0].sku`, `payload["odd key"].x`. Parsed once, cached. */
const cache = new Map<string, Array<string | number>>();

export function parsePath(path: string): Array<string | number> {
  const hit = cache.get(path);
  if (hit) return hit;
  const parts: Array<string | number> = [];
  let i = 0;
  let cur = '';
  const flush = () => {
    if (cur !== '') parts.push(cur);
    cur = '';
  };
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      flush();
      i++;
    } else if (ch === '[') {
      flush();
      const close = path.indexOf(']', i);
      if (close < 0) throw new Error(`unclosed [ in path "${path}"`);
      const inner = path.slice(i + 1, close).trim();
      if (/^-?\d+$/.test(inner)) parts.push(Number(inner));
      else if (/^(['"]).*\1$/.test(inner)) parts.push(inner.slice(1, -1));
      else throw new Error(`bad index [${inner}] in path "${path}"`);
      i = close + 1;
    } else {
      cur += ch;
      i++;
    }
  }
  flush();
  if (parts.length === 0) throw new Error(`empty path "${path}"`);
  if (cache.size > 10_000) cache.clear();
  cache.set(path, parts);
  return parts;
}

export function getPath(obj: unknown, path: string | Array<string | number>): unknown {
  const parts = typeof path === 'string' ? parsePath(path) : path;
  let cur: unknown = obj;
  for (const p of parts) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

export function setPath(obj: Record<string, unknown>, path: string | Array<string | number>, value: unknown): void {
  const parts = typeof path === 'string' ? parsePath(path) : path;
  let cur: Record<string | number, unknown> = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i];
    let next = cur[p];
    if (next === null || next === undefined || typeof next !== 'object') {
      next = typeof parts[i + 1] === 'number' ? [] : {};
      cur[p] = next;
    }
    cur = next as Record<string | number, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}
