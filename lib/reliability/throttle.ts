/**
 * Calls `fn` at most once per `ms`, always with the latest arguments (trailing call guaranteed), so a
 * node's status reflects its last state without an editor event per message.
 */
export function throttle<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { cancel(): void; flush(): void; stop(): void } {
  let last = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pending: A | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    const args = pending;
    pending = undefined;
    if (args) fn(...args);
  };
  const wrapped = (...args: A) => {
    if (stopped) return;
    pending = args;
    const wait = last + ms - Date.now();
    if (wait <= 0 && !timer) run();
    else if (!timer) timer = setTimeout(run, Math.max(0, wait));
  };
  wrapped.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  };
  /** Cancel and ignore every later call (the owner is closing: no timer may outlive it). */
  wrapped.stop = () => {
    stopped = true;
    wrapped.cancel();
  };
  wrapped.flush = () => {
    if (timer) clearTimeout(timer);
    if (pending) run();
    else timer = undefined;
  };
  return wrapped;
}
