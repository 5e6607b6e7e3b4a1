/**
 * node.status helpers with the conventions of docs/architecture.md:
 * blue dot = working, green dot = last ok, red ring = last error, grey ring = idle/disabled.
 */
export interface StatusTarget {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status(s: any): void;
}

const MAX = 48;

export function shorten(text: unknown, max = MAX): string {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function working(node: StatusTarget, text: string): void {
  node.status({ fill: 'blue', shape: 'dot', text: shorten(text) });
}

export function ok(node: StatusTarget, text: string): void {
  node.status({ fill: 'green', shape: 'dot', text: shorten(text) });
}

export function failed(node: StatusTarget, text: string): void {
  node.status({ fill: 'red', shape: 'ring', text: shorten(text) });
}

export function idle(node: StatusTarget, text = ''): void {
  node.status({ fill: 'grey', shape: 'ring', text: shorten(text) });
}

export function clear(node: StatusTarget): void {
  node.status({});
}

/** A short "HH:MM:SS" for status texts. */
export function clock(d = new Date()): string {
  return d.toTimeString().slice(0, 8);
}
