import assert from 'assert';
import { classify, decide, redeliveryDelay, policyFrom, DEFAULT_POLICY, type RetryPolicy } from '../../../lib/reliability/policy';
import { keyFunction, contentHash, stableStringify, toMs } from '../../../lib/reliability/dedupe';
import { matchesFilter, selectDeadLetters } from '../../../lib/reliability/deadletters';
import type { DeadLetter } from '../../../lib/state/types';

describe('reliability: classification (architecture contract)', () => {
  it('retryable flag, network codes, HTTP statuses', () => {
    assert.strictEqual(classify({ message: 'x', code: 'OdooTransientError', cause: { retryable: true } }).retryable, true);
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']) {
      assert.strictEqual(classify({ message: 'x', code }).retryable, true, code);
    }
    for (const status of [408, 425, 429, 500, 502, 503, 504, 599]) {
      assert.strictEqual(classify({ message: 'x', cause: { status } }).retryable, true, String(status));
      assert.strictEqual(classify({ message: 'x' }, status).retryable, true, `msg.statusCode ${status}`);
    }
    for (const status of [400, 401, 403, 404, 409, 422]) assert.strictEqual(classify({ message: 'x', cause: { status } }).retryable, false);
    assert.strictEqual(classify({ message: 'plain' }).retryable, false);
    assert.strictEqual(classify(undefined).retryable, false);
  });

  it('explicit retryable false wins over a 5xx status; Retry-After is carried', () => {
    const c = classify({ message: 'x', code: 'OdooValidationError', cause: { retryable: false, status: 500 } });
    assert.strictEqual(c.retryable, false);
    assert.strictEqual(c.code, 'OdooValidationError');
    assert.strictEqual(classify({ message: 'slow down', cause: { status: 429, retryAfterMs: 7000 } }).retryAfterMs, 7000);
  });
});

describe('reliability: redelivery policy', () => {
  const p: RetryPolicy = { ...DEFAULT_POLICY, redeliveryDelay: 100, backOffMultiplier: 2, maximumRedeliveryDelay: 1000, collisionAvoidanceFactor: 0 };

  it('exponential backoff capped by maximumRedeliveryDelay', () => {
    assert.deepStrictEqual([1, 2, 3, 4, 5, 6].map((n) => redeliveryDelay(p, n)), [100, 200, 400, 800, 1000, 1000]);
  });

  it('jitter stays within ±collisionAvoidanceFactor', () => {
    const j = { ...p, collisionAvoidanceFactor: 0.15 };
    assert.strictEqual(redeliveryDelay(j, 1, 0), 85);
    assert.strictEqual(redeliveryDelay(j, 1, 0.999999), 115);
    const spread = new Set(Array.from({ length: 50 }, () => redeliveryDelay(j, 3)));
    assert.ok(spread.size > 1, 'random jitter varies');
    for (const d of spread) assert.ok(d >= 340 && d <= 460);
  });

  it('Retry-After is a lower bound', () => {
    assert.strictEqual(redeliveryDelay(p, 1, 0.5, 5000), 5000);
    assert.strictEqual(redeliveryDelay(p, 4, 0.5, 10), 800);
  });

  it('decides retry, exhausted attempts, time limit, permanent', () => {
    const t = classify({ message: 'down', code: 'ECONNREFUSED' });
    const r = decide({ ...p, maxAttempts: 3 }, 1, 0, t, 1000);
    assert.deepStrictEqual(r, { action: 'retry', delayMs: 100, dueAt: 1100, reason: 'network error ECONNREFUSED' });
    const ex = decide({ ...p, maxAttempts: 3 }, 3, 0, t, 1000);
    assert.strictEqual(ex.action, 'dead');
    assert.match((ex as { reason: string }).reason, /Max\. retries \(3 attempts\) reached/);
    const unlimited = decide({ ...p, maxAttempts: 0, maxTotalMs: 0 }, 500, 0, t, 1000);
    assert.strictEqual(unlimited.action, 'retry');
    const late = decide({ ...p, maxAttempts: 0, maxTotalMs: 5000 }, 2, 0, t, 4900);
    assert.strictEqual(late.action, 'dead');
    assert.match((late as { reason: string }).reason, /time limit/);
    const perm = decide(p, 1, 0, classify({ message: 'bad', code: 'OdooValidationError', cause: { retryable: false } }), 0);
    assert.deepStrictEqual(perm, { action: 'dead', reason: 'error marked not retryable' });
  });

  it('policy from node properties with bounds', () => {
    const q = policyFrom({ maxAttempts: '3', maxTotalMs: '', redeliveryDelay: 'x', backOffMultiplier: 0.5, collisionAvoidanceFactor: 7 });
    assert.deepStrictEqual(q, { ...DEFAULT_POLICY, maxAttempts: 3, backOffMultiplier: 1, collisionAvoidanceFactor: 1 });
  });
});

describe('reliability: dedupe keys and content hashes', () => {
  const msg = { payload: { provider: 'hubspot', crmId: 42, eventId: 'e-1', props: { b: 2, a: 1 } } };
  it('template and path keys', () => {
    assert.strictEqual(keyFunction('template', '{{payload.provider}}:{{payload.crmId}}:{{payload.eventId}}')(msg), 'hubspot:42:e-1');
    assert.strictEqual(keyFunction('path', 'payload.eventId')(msg), 'e-1');
    assert.strictEqual(keyFunction('path', 'payload.props')(msg), '{"a":1,"b":2}');
    assert.strictEqual(keyFunction('path', 'payload.none')(msg), undefined);
    assert.strictEqual(keyFunction('template', '{{payload.x}}:{{payload.y}}')(msg), undefined, 'all variables missing: no key');
    assert.strictEqual(keyFunction('template', 'k-{{payload.crmId}}-{{payload.missing}}')(msg), 'k-42-');
  });
  it('hash ignores key order and unlisted fields', () => {
    const a = contentHash({ payload: { x: 1, y: { p: 1, q: 2 }, noise: 1 } }, ['payload.x', 'payload.y']);
    const b = contentHash({ payload: { noise: 2, y: { q: 2, p: 1 }, x: 1 } }, ['payload.x', 'payload.y']);
    const c = contentHash({ payload: { x: 2, y: { q: 2, p: 1 } } }, ['payload.x', 'payload.y']);
    assert.strictEqual(a, b);
    assert.notStrictEqual(a, c);
    assert.notStrictEqual(contentHash({ payload: { a: 1 } }, []), contentHash({ payload: { a: 2 } }, []));
    assert.strictEqual(stableStringify({ b: [1, { d: 1, c: undefined }], a: null }), '{"a":null,"b":[1,{"d":1}]}');
  });
  it('ttl units', () => {
    assert.deepStrictEqual([toMs(2, 'seconds'), toMs('1.5', 'minutes'), toMs(1, 'hours'), toMs(1, 'days'), toMs(-1, 'hours')], [2000, 90_000, 3_600_000, 86_400_000, 0]);
  });
});

describe('reliability: dead-letter selection', () => {
  const letters: DeadLetter[] = [
    { id: 'a', payload: {}, reason: 'Max. retries (5 attempts) reached: HTTP 503', failedAt: 1000, meta: { code: 'OdooServerError', status: 503, lastError: 'Service Unavailable' } },
    { id: 'b', payload: {}, reason: 'error marked not retryable', failedAt: 2000, meta: { code: 'OdooValidationError', lastError: 'Missing required field name' } },
    { id: 'c', payload: {}, reason: 'permanent error', failedAt: 3000 },
  ];
  it('by ids, reason text, code, status, time', () => {
    const ids = (f: Parameters<typeof selectDeadLetters>[1]) => selectDeadLetters(letters, f).map((l) => l.id);
    assert.deepStrictEqual(ids({ ids: ['b', 'c'] }), ['b', 'c']);
    assert.deepStrictEqual(ids({ reason: 'required field' }), ['b']);
    assert.deepStrictEqual(ids({ code: 'OdooServerError' }), ['a']);
    assert.deepStrictEqual(ids({ status: 503 }), ['a']);
    assert.deepStrictEqual(ids({ since: 1500, until: '3000' }), ['b', 'c']);
    assert.deepStrictEqual(ids({}), ['a', 'b', 'c']);
    assert.strictEqual(matchesFilter(letters[0], { since: new Date(5000).toISOString() }), false);
  });
});
