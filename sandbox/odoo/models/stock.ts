/**
 * Inventory (Odoo module stock + the sale_stock parts that live on pickings): warehouses, locations,
 * operation types, quants, pickings, moves and move lines, reservation, validation with backorders,
 * the backorder and return wizards, and the product quantity fields honouring the location/warehouse
 * context per version.
 */
import { defineModel, GROUPS, type Context, type Env, type ModuleRegistrar, type Row, type SelectionList, type Vals } from '../orm/schema';
import { UserError } from '../exceptions';
import { afterSave, companyOf, ctxIds, idOf, idsOf, isZero, roundTo } from './dist-util';
import { isStorable } from './product';
import { refreshOrderStatus } from './sale';

const MOVE_STATES: SelectionList = [
  ['draft', 'New'], ['waiting', 'Waiting Another Move'], ['confirmed', 'Waiting Availability'],
  ['partially_available', 'Partially Available'], ['assigned', 'Available'], ['done', 'Done'], ['cancel', 'Cancelled'],
];
const PICKING_STATES: SelectionList = [
  ['draft', 'Draft'], ['waiting', 'Waiting Another Operation'], ['confirmed', 'Waiting'],
  ['assigned', 'Ready'], ['done', 'Done'], ['cancel', 'Cancelled'],
];
const OPEN_MOVE_STATES = ['waiting', 'confirmed', 'assigned', 'partially_available'];

function su(env: Env): Env {
  return env.sudo().withContext({ active_test: false });
}

// ---------------------------------------------------------------------------------------------
// Locations and quantity scopes

/** All locations below (and including) the given ones. */
export function childLocations(env: Env, ids: number[]): Set<number> {
  const locs = su(env).model('stock.location');
  const all = locs.rows(locs.search([]));
  const children = new Map<number, number[]>();
  for (const l of all) {
    const p = idOf(l.location_id);
    if (p) children.set(p, [...(children.get(p) ?? []), l.id]);
  }
  const out = new Set<number>();
  const stack = [...ids];
  while (stack.length) {
    const id = stack.pop() as number;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

function isInternal(env: Env, locationId: number | false): boolean {
  if (!locationId) return false;
  const u = su(env).model('stock.location').row(locationId)?.usage;
  return u === 'internal' || u === 'transit';
}

function resolveLocations(env: Env, spec: unknown): number[] {
  const items = Array.isArray(spec) ? spec : [spec];
  const locs = su(env).model('stock.location');
  const out: number[] = [];
  for (const it of items) {
    if (typeof it === 'number') out.push(it);
    else if (typeof it === 'string') out.push(...locs.search([['complete_name', 'ilike', it]]));
  }
  return out;
}

function resolveWarehouses(env: Env, spec: unknown): number[] {
  const items = Array.isArray(spec) ? spec : [spec];
  const whs = su(env).model('stock.warehouse');
  const out: number[] = [];
  for (const it of items) {
    if (typeof it === 'number') out.push(it);
    else if (typeof it === 'string') out.push(...whs.search([['name', 'ilike', it]]));
  }
  return out;
}

/**
 * The locations the quantity fields look at, from the context: `location` (id, name or list), else the
 * warehouse key of this version (`warehouse` on 17, `warehouse_id` on 18/19, 19 also `search_*`
 * fallbacks), else every warehouse of the company. Children included unless compute_child is False.
 */
export function quantityScope(env: Env, context: Context = env.context): Set<number> {
  let location = context.location;
  let warehouse = env.version === 17 ? context.warehouse : context.warehouse_id;
  if (env.version === 19) {
    location = location || context.search_location;
    warehouse = warehouse || context.search_warehouse;
  }
  let roots: number[];
  const whs = su(env).model('stock.warehouse');
  if (location !== undefined && location !== false && location !== null) {
    roots = resolveLocations(env, location);
  } else if (warehouse !== undefined && warehouse !== false && warehouse !== null) {
    roots = whs.rows(resolveWarehouses(env, warehouse)).map((w) => idOf(w.view_location_id) as number).filter(Boolean);
  } else {
    roots = whs.rows(whs.search([['company_id', '=', companyOf(env)]])).map((w) => idOf(w.view_location_id) as number).filter(Boolean);
  }
  if (context.compute_child === false) return new Set(roots);
  return childLocations(env, roots);
}

export interface ProductQuantities {
  qty_available: number; free_qty: number; incoming_qty: number; outgoing_qty: number; virtual_available: number;
}

/** Odoo's _compute_quantities for a batch of product.product ids (non-storable products give 0). */
export function productQuantities(env: Env, productIds: number[], context: Context = env.context): Map<number, ProductQuantities> {
  const scope = quantityScope(env, context);
  const result = new Map<number, ProductQuantities>();
  const wanted = new Set(productIds);
  for (const id of productIds) result.set(id, { qty_available: 0, free_qty: 0, incoming_qty: 0, outgoing_qty: 0, virtual_available: 0 });
  const quants = su(env).model('stock.quant');
  for (const q of quants.rows(quants.search([['product_id', 'in', productIds]]))) {
    const pid = idOf(q.product_id) as number;
    if (!wanted.has(pid) || !scope.has(idOf(q.location_id) as number)) continue;
    const r = result.get(pid) as ProductQuantities;
    r.qty_available += Number(q.quantity) || 0;
    r.free_qty += (Number(q.quantity) || 0) - (Number(q.reserved_quantity) || 0);
  }
  const moves = su(env).model('stock.move');
  for (const m of moves.rows(moves.search([['product_id', 'in', productIds], ['state', 'in', OPEN_MOVE_STATES]]))) {
    const pid = idOf(m.product_id) as number;
    const r = result.get(pid);
    if (!r) continue;
    const src = scope.has(idOf(m.location_id) as number);
    const dst = scope.has(idOf(m.location_dest_id) as number);
    if (dst && !src) r.incoming_qty += Number(m.product_uom_qty) || 0;
    if (src && !dst) r.outgoing_qty += Number(m.product_uom_qty) || 0;
  }
  for (const [pid, r] of result) {
    if (!isStorable(env, pid)) {
      result.set(pid, { qty_available: 0, free_qty: 0, incoming_qty: 0, outgoing_qty: 0, virtual_available: 0 });
      continue;
    }
    for (const k of ['qty_available', 'free_qty', 'incoming_qty', 'outgoing_qty'] as const) r[k] = roundTo(r[k], 3);
    r.virtual_available = roundTo(r.qty_available + r.incoming_qty - r.outgoing_qty, 3);
  }
  return result;
}

function qtyField(key: keyof ProductQuantities, string: string) {
  return {
    type: 'float' as const, string, readonly: true, digits: [16, 2] as [number, number],
    compute: (env: Env, rows: Row[]) => {
      const q = productQuantities(env, rows.map((r) => r.id));
      return rows.map((r) => q.get(r.id)?.[key] ?? 0);
    },
  };
}

function templateQtyField(key: keyof ProductQuantities, string: string) {
  return {
    type: 'float' as const, string, readonly: true, digits: [16, 2] as [number, number],
    compute: (env: Env, rows: Row[]) => {
      const products = su(env).model('product.product');
      const byTmpl = new Map<number, number[]>();
      for (const p of products.rows(products.search([['product_tmpl_id', 'in', rows.map((r) => r.id)]]))) {
        const t = idOf(p.product_tmpl_id) as number;
        byTmpl.set(t, [...(byTmpl.get(t) ?? []), p.id]);
      }
      const q = productQuantities(env, [...byTmpl.values()].flat());
      return rows.map((r) => roundTo((byTmpl.get(r.id) ?? []).reduce((s, pid) => s + (q.get(pid)?.[key] ?? 0), 0), 3));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Warehouses

/** Odoo's warehouse create(): view location, WH/Stock, receipt and delivery operation types. */
function ensureWarehouseSetup(env: Env, ids: number[]): void {
  const e = su(env);
  const whs = e.model('stock.warehouse');
  const locs = e.model('stock.location');
  const types = e.model('stock.picking.type');
  for (const wh of whs.rows(ids)) {
    const company = idOf(wh.company_id) || companyOf(env);
    let view = idOf(wh.view_location_id);
    if (!view) {
      const physical = env.ref('stock.stock_location_locations') || false;
      view = locs.create({ name: wh.code, usage: 'view', location_id: physical, company_id: company });
      const stock = locs.create({ name: 'Stock', usage: 'internal', location_id: view, company_id: company });
      const customers = customerLocation(env);
      const suppliers = supplierLocation(env);
      const inType = types.create({
        name: 'Receipts', code: 'incoming', sequence_code: 'IN', warehouse_id: wh.id, company_id: company,
        default_location_src_id: suppliers, default_location_dest_id: stock, sequence: 1,
      });
      const outType = types.create({
        name: 'Delivery Orders', code: 'outgoing', sequence_code: 'OUT', warehouse_id: wh.id, company_id: company,
        default_location_src_id: stock, default_location_dest_id: customers, sequence: 5, return_picking_type_id: inType,
      });
      types.write([inType], { return_picking_type_id: outType });
      whs.write([wh.id], { view_location_id: view, lot_stock_id: stock, in_type_id: inType, out_type_id: outType });
    } else if (locs.row(view)?.name !== wh.code) {
      locs.write([view], { name: wh.code });
    }
  }
}

export function customerLocation(env: Env): number | false {
  return env.ref('stock.stock_location_customers') || su(env).model('stock.location').search([['usage', '=', 'customer']], { limit: 1 })[0] || false;
}

export function supplierLocation(env: Env): number | false {
  return env.ref('stock.stock_location_suppliers') || su(env).model('stock.location').search([['usage', '=', 'supplier']], { limit: 1 })[0] || false;
}

/** The default warehouse of the user's company (the first one). */
export function defaultWarehouse(env: Env): number | false {
  return su(env).model('stock.warehouse').search([['company_id', '=', companyOf(env)]], { limit: 1, order: 'sequence, id' })[0] ?? false;
}

// ---------------------------------------------------------------------------------------------
// Quants and reservation

function quantAt(env: Env, productId: number, locationId: number): number {
  const quants = su(env).model('stock.quant');
  const found = quants.search([['product_id', '=', productId], ['location_id', '=', locationId]], { limit: 1 });
  if (found.length) return found[0];
  return quants.create({ product_id: productId, location_id: locationId, quantity: 0, reserved_quantity: 0 });
}

/** Add (or remove) on-hand and reserved quantity at an internal location. */
export function updateQuant(env: Env, productId: number, locationId: number, qty: number, reserved = 0): void {
  if (!isInternal(env, locationId) || !isStorable(env, productId)) return;
  const quants = su(env).model('stock.quant');
  const id = quantAt(env, productId, locationId);
  const q = quants.row(id) as Row;
  quants.write([id], {
    quantity: roundTo((Number(q.quantity) || 0) + qty, 4),
    reserved_quantity: roundTo(Math.max(0, (Number(q.reserved_quantity) || 0) + reserved), 4),
  });
}

function moveLinesOf(env: Env, moveId: number): Row[] {
  const lines = su(env).model('stock.move.line');
  return lines.rows(lines.search([['move_id', '=', moveId]]));
}

function bypassReservation(env: Env, move: Row): boolean {
  return !isInternal(env, idOf(move.location_id)) || !isStorable(env, idOf(move.product_id) as number);
}

/** Reserve up to `qty` more for a move from the free quants below its source location; returns the reserved amount. */
function reserveMore(env: Env, move: Row, qty: number, force: boolean): number {
  const e = su(env);
  const lines = e.model('stock.move.line');
  const productId = idOf(move.product_id) as number;
  const src = idOf(move.location_id) as number;
  let left = roundTo(qty, 4);
  let got = 0;
  const addLine = (locationId: number, amount: number) => {
    const existing = moveLinesOf(env, move.id).find((l) => idOf(l.location_id) === locationId);
    if (existing) lines.write([existing.id], { quantity: roundTo((Number(existing.quantity) || 0) + amount, 4) });
    else lines.create({
      move_id: move.id, picking_id: move.picking_id, product_id: productId, location_id: locationId,
      location_dest_id: move.location_dest_id, quantity: amount, company_id: move.company_id,
    });
  };
  if (bypassReservation(env, move)) {
    addLine(src, left);
    return left;
  }
  const scope = childLocations(env, [src]);
  const quants = e.model('stock.quant');
  for (const q of quants.rows(quants.search([['product_id', '=', productId]], { order: 'in_date, id' }))) {
    if (left <= 0) break;
    if (!scope.has(idOf(q.location_id) as number)) continue;
    const free = roundTo((Number(q.quantity) || 0) - (Number(q.reserved_quantity) || 0), 4);
    if (free <= 0) continue;
    const take = Math.min(free, left);
    quants.write([q.id], { reserved_quantity: roundTo((Number(q.reserved_quantity) || 0) + take, 4) });
    addLine(idOf(q.location_id) as number, take);
    left = roundTo(left - take, 4);
    got += take;
  }
  if (force && left > 0) {
    addLine(src, left);
    got += left;
  }
  return roundTo(got, 4);
}

/** Release reservation of a move down to `keep` units (latest lines first). */
function releaseDownTo(env: Env, move: Row, keep: number): void {
  const e = su(env);
  const lines = e.model('stock.move.line');
  let excess = roundTo(moveLinesOf(env, move.id).reduce((s, l) => s + (Number(l.quantity) || 0), 0) - keep, 4);
  for (const l of moveLinesOf(env, move.id).reverse()) {
    if (excess <= 0) break;
    const lq = Number(l.quantity) || 0;
    const take = Math.min(lq, excess);
    if (!bypassReservation(env, move)) updateQuant(env, idOf(move.product_id) as number, idOf(l.location_id) as number, 0, -take);
    if (take >= lq) lines.unlink([l.id]);
    else lines.write([l.id], { quantity: roundTo(lq - take, 4) });
    excess = roundTo(excess - take, 4);
  }
}

function reservedOf(env: Env, moveId: number): number {
  return roundTo(moveLinesOf(env, moveId).reduce((s, l) => s + (Number(l.quantity) || 0), 0), 4);
}

function availabilityState(qty: number, demand: number): string {
  if (qty >= demand - 1e-9) return 'assigned';
  return qty > 0 ? 'partially_available' : 'confirmed';
}

/** stock.move._action_assign: reserve what is available for open moves. */
export function assignMoves(env: Env, moveIds: number[]): void {
  const moves = su(env).model('stock.move');
  for (const m of moves.rows(moveIds)) {
    if (!['confirmed', 'partially_available', 'waiting'].includes(String(m.state))) continue;
    const demand = Number(m.product_uom_qty) || 0;
    const have = reservedOf(env, m.id);
    if (have < demand) reserveMore(env, m, demand - have, false);
    const qty = reservedOf(env, m.id);
    moves.write([m.id], { quantity: qty, state: availabilityState(qty, demand) });
  }
}

/** Moves waiting for stock that an arrival at these locations may serve (Odoo's _trigger_assign). */
function triggerAssign(env: Env, productIds: number[]): void {
  if (!productIds.length) return;
  const moves = su(env).model('stock.move');
  const waiting = moves.search([['product_id', 'in', productIds], ['state', 'in', ['confirmed', 'partially_available']]], { order: 'date, id' });
  const types = su(env).model('stock.picking.type');
  assignMoves(env, moves.rows(waiting).filter((m) => {
    const t = m.picking_type_id ? types.row(idOf(m.picking_type_id) as number) : undefined;
    return !t || t.reservation_method !== 'manual';
  }).map((m) => m.id));
}

/** Keep move lines in line with a move's `quantity` written by a user (Odoo's quantity inverse). */
function syncMoveQuantity(env: Env, ids: number[]): void {
  const moves = su(env).model('stock.move');
  for (const m of moves.rows(ids)) {
    if (['done', 'cancel', 'draft'].includes(String(m.state))) continue;
    const want = Number(m.quantity) || 0;
    const have = reservedOf(env, m.id);
    if (Math.abs(want - have) < 1e-9) continue;
    if (want < have) releaseDownTo(env, m, want);
    else reserveMore(env, m, want - have, true);
    moves.write([m.id], { state: availabilityState(want, Number(m.product_uom_qty) || 0) });
  }
}

function pickingState(moves: Row[], moveType: unknown): string {
  if (!moves.length) return 'draft';
  if (moves.every((m) => m.state === 'cancel')) return 'cancel';
  if (moves.every((m) => m.state === 'done' || m.state === 'cancel')) return 'done';
  const open = moves.filter((m) => m.state !== 'done' && m.state !== 'cancel');
  if (open.some((m) => m.state === 'draft')) return 'draft';
  if (moveType === 'one') {
    if (open.every((m) => m.state === 'assigned')) return 'assigned';
    return open.some((m) => m.state === 'waiting') ? 'waiting' : 'confirmed';
  }
  if (open.some((m) => m.state === 'assigned' || m.state === 'partially_available')) return 'assigned';
  return open.some((m) => m.state === 'waiting') ? 'waiting' : 'confirmed';
}

export function refreshPickingStates(env: Env, pickingIds: number[]): void {
  const e = su(env);
  const pickings = e.model('stock.picking');
  const moves = e.model('stock.move');
  for (const p of pickings.rows([...new Set(pickingIds)].filter(Boolean))) {
    const state = pickingState(moves.rows(moves.search([['picking_id', '=', p.id]])), p.move_type);
    if (p.state !== state && !(p.state === 'cancel' && state === 'draft')) pickings.write([p.id], { state });
  }
}

// ---------------------------------------------------------------------------------------------
// Pickings

export function pickingName(env: Env, typeId: number | false): string {
  if (!typeId) return '/';
  const t = su(env).model('stock.picking.type').row(typeId);
  if (!t) return '/';
  const wh = t.warehouse_id ? su(env).model('stock.warehouse').row(idOf(t.warehouse_id) as number) : undefined;
  const prefix = `${wh ? `${wh.code}/` : ''}${t.sequence_code}/`;
  return env.nextSequence(`stock.picking.type.${typeId}`, prefix, 5);
}

/** stock.picking.action_confirm: draft moves become confirmed, then reserved. */
export function confirmPickings(env: Env, ids: number[]): void {
  const moves = su(env).model('stock.move');
  const draft = moves.search([['picking_id', 'in', ids], ['state', '=', 'draft']]);
  if (draft.length) moves.write(draft, { state: 'confirmed' });
  assignMoves(env, moves.search([['picking_id', 'in', ids], ['state', 'in', ['confirmed', 'partially_available']]]));
  refreshPickingStates(env, ids);
}

function backorderAction(pickingIds: number[]): Record<string, unknown> {
  return {
    name: 'Create Backorder?', type: 'ir.actions.act_window', view_mode: 'form', res_model: 'stock.backorder.confirmation',
    views: [[false, 'form']], view_id: false, target: 'new',
    context: { button_validate_picking_ids: pickingIds, default_show_transfers: false, default_pick_ids: pickingIds.map((id) => [4, id]) },
  };
}

interface MoveDone { move: Row; done: number }

function movesToProcess(env: Env, pickingId: number): MoveDone[] {
  const moves = su(env).model('stock.move');
  const rows = moves.rows(moves.search([['picking_id', '=', pickingId], ['state', 'not in', ['done', 'cancel']]]));
  const anyPicked = rows.some((m) => m.picked === true);
  return rows.map((m) => ({ move: m, done: anyPicked && m.picked !== true ? 0 : Number(m.quantity) || 0 }));
}

function needsBackorder(env: Env, pickingId: number): boolean {
  return movesToProcess(env, pickingId).some(({ move, done }) => done < (Number(move.product_uom_qty) || 0) - 1e-9);
}

/** button_validate: True, or the backorder wizard action when quantities are short and no decision was given. */
export function buttonValidate(env: Env, ids: number[]): unknown {
  const pickings = su(env).model('stock.picking');
  for (const p of pickings.rows(ids)) {
    if (p.state === 'done') throw new UserError('You cannot validate a transfer that is already done.');
    if (p.state === 'cancel') throw new UserError('You cannot validate a transfer that is cancelled.');
    if (p.state === 'draft') confirmPickings(env, [p.id]);
    const todo = movesToProcess(env, p.id);
    if (!todo.length) throw new UserError('Please add some items to move.');
    if (todo.every((t) => isZero(t.done, 4))) {
      throw new UserError('You cannot validate a transfer if no quantities are reserved nor done. You can use the info button on the top right corner of your screen to learn more about quantity encoding.');
    }
  }
  const ctx = env.context;
  const noBackorder = new Set(idsOf(ctx.picking_ids_not_to_backorder));
  const short = ids.filter((id) => needsBackorder(env, id));
  if (short.length && !ctx.skip_backorder) return backorderAction(ids);
  for (const id of ids) processPicking(env, id, !noBackorder.has(id));
  return true;
}

/** _action_done of one picking; the short part goes to a backorder or is cancelled. */
export function processPicking(env: Env, pickingId: number, createBackorder: boolean): number | false {
  const e = su(env);
  const pickings = e.model('stock.picking');
  const moves = e.model('stock.move');
  const lines = e.model('stock.move.line');
  const picking = pickings.row(pickingId) as Row;
  const todo = movesToProcess(env, pickingId);
  const now = env.now();
  const rest: Array<{ move: Row; qty: number; split: boolean }> = [];
  const touched = new Set<number>();
  for (const { move, done } of todo) {
    const demand = Number(move.product_uom_qty) || 0;
    if (done < demand - 1e-9) rest.push({ move, qty: roundTo(demand - done, 4), split: !isZero(done, 4) });
    if (isZero(done, 4)) {
      releaseDownTo(env, move, 0);
      continue;
    }
    // the done part: lines carry exactly `done`
    const have = reservedOf(env, move.id);
    if (have > done) releaseDownTo(env, move, done);
    else if (have < done) reserveMore(env, move, done - have, true);
    for (const l of moveLinesOf(env, move.id)) {
      const q = Number(l.quantity) || 0;
      const productId = idOf(move.product_id) as number;
      updateQuant(env, productId, idOf(l.location_id) as number, -q, bypassReservation(env, move) ? 0 : -q);
      updateQuant(env, productId, idOf(l.location_dest_id) as number, q, 0);
      lines.write([l.id], { picked: true, state: 'done', date: now });
      touched.add(productId);
    }
    moves.write([move.id], { product_uom_qty: done, quantity: done, picked: true, state: 'done', date: now });
  }
  let backorder: number | false = false;
  const restMoves = rest.filter((r) => r.qty > 0);
  if (restMoves.length && createBackorder) {
    backorder = pickings.create({
      name: pickingName(env, idOf(picking.picking_type_id)), origin: picking.origin, partner_id: picking.partner_id,
      picking_type_id: picking.picking_type_id, location_id: picking.location_id, location_dest_id: picking.location_dest_id,
      scheduled_date: picking.scheduled_date, move_type: picking.move_type, company_id: picking.company_id,
      sale_id: picking.sale_id, backorder_id: pickingId, user_id: picking.user_id, state: 'confirmed',
    });
    for (const { move, qty, split } of restMoves) {
      if (split) {
        moves.create({
          name: move.name, product_id: move.product_id, product_uom_qty: qty, product_uom: move.product_uom,
          location_id: move.location_id, location_dest_id: move.location_dest_id, picking_id: backorder,
          picking_type_id: move.picking_type_id, partner_id: move.partner_id, origin: move.origin, state: 'confirmed',
          sale_line_id: move.sale_line_id, company_id: move.company_id, warehouse_id: move.warehouse_id,
          origin_returned_move_id: move.origin_returned_move_id, to_refund: move.to_refund, date: move.date,
          date_deadline: move.date_deadline, quantity: 0,
        });
      } else {
        moves.write([move.id], { picking_id: backorder, state: 'confirmed', quantity: 0, picked: false });
        lines.write(lines.search([['move_id', '=', move.id]]), { picking_id: backorder });
      }
    }
    assignMoves(env, moves.search([['picking_id', '=', backorder]]));
  } else {
    for (const { move, split } of restMoves) {
      if (!split) moves.write([move.id], { state: 'cancel', quantity: 0 });
    }
  }
  pickings.write([pickingId], { date_done: now, state: 'done', priority: '0' });
  refreshPickingStates(env, [pickingId, ...(backorder ? [backorder] : [])]);
  triggerAssign(env, [...touched].filter((pid) => todo.some(({ move }) => idOf(move.product_id) === pid && isInternal(env, idOf(move.location_dest_id)))));
  refreshOrderStatus(env, [idOf(picking.sale_id) as number]);
  return backorder;
}

/** Lower or raise an open move's demand, releasing reservation beyond it or reserving more. */
export function setMoveDemand(env: Env, moveId: number, demand: number): void {
  const moves = su(env).model('stock.move');
  const m = moves.row(moveId) as Row;
  if (m.state === 'done' || m.state === 'cancel') return;
  if (demand <= 0) {
    cancelMoves(env, [moveId]);
    return;
  }
  if (reservedOf(env, moveId) > demand) releaseDownTo(env, m, demand);
  moves.write([moveId], { product_uom_qty: demand });
  const fresh = moves.row(moveId) as Row;
  if (fresh.state !== 'draft') {
    const qty = reservedOf(env, moveId);
    moves.write([moveId], { quantity: qty, state: availabilityState(qty, demand) });
    assignMoves(env, [moveId]);
  }
  refreshPickingStates(env, [idOf(m.picking_id) as number].filter(Boolean));
}

/** Cancel open moves, releasing their reservation. */
export function cancelMoves(env: Env, moveIds: number[]): void {
  const moves = su(env).model('stock.move');
  const pickingIds = new Set<number>();
  for (const m of moves.rows(moveIds)) {
    if (m.state === 'done' || m.state === 'cancel') continue;
    releaseDownTo(env, m, 0);
    moves.write([m.id], { state: 'cancel', quantity: 0 });
    if (m.picking_id) pickingIds.add(idOf(m.picking_id) as number);
  }
  refreshPickingStates(env, [...pickingIds]);
}

export function cancelPickings(env: Env, ids: number[]): void {
  const moves = su(env).model('stock.move');
  for (const m of moves.rows(moves.search([['picking_id', 'in', ids], ['state', 'not in', ['done', 'cancel']]]))) {
    releaseDownTo(env, m, 0);
    moves.write([m.id], { state: 'cancel', quantity: 0 });
  }
  const pickings = su(env).model('stock.picking');
  for (const p of pickings.rows(ids)) if (p.state !== 'done') pickings.write([p.id], { state: 'cancel' });
  refreshOrderStatus(env, pickings.rows(ids).map((p) => idOf(p.sale_id) as number));
}

// ---------------------------------------------------------------------------------------------
// Returns

function returnLineValues(env: Env, pickingId: number): Array<Record<string, unknown>> {
  const e = su(env);
  const moves = e.model('stock.move');
  const out: Array<Record<string, unknown>> = [];
  for (const m of moves.rows(moves.search([['picking_id', '=', pickingId], ['state', '=', 'done']]))) {
    // already returned quantities are deducted, as Odoo does
    const returned = moves.rows(moves.search([['origin_returned_move_id', '=', m.id], ['state', '!=', 'cancel']]))
      .reduce((s, r) => s + (Number(r.product_uom_qty) || 0), 0);
    const qty = Math.max(0, roundTo((Number(m.quantity) || 0) - returned, 4));
    const vals: Record<string, unknown> = {
      product_id: m.product_id, quantity: env.version === 17 ? qty : 0, move_id: m.id, uom_id: m.product_uom, to_refund: true,
    };
    out.push(vals);
  }
  return out;
}

function returnPickingFromContext(env: Env): number | false {
  const c = env.context;
  if (c.active_model !== undefined && c.active_model !== 'stock.picking') return false;
  if (Array.isArray(c.active_ids) && c.active_ids.length > 1) throw new UserError('You may only return one picking at a time.');
  const id = typeof c.active_id === 'number' ? c.active_id : ctxIds(env)[0];
  if (!id) return false;
  const p = su(env).model('stock.picking').row(id);
  if (!p) return false;
  if (p.state !== 'done') throw new UserError('You may only return Done pickings.');
  return id;
}

function createReturns(env: Env, wizardId: number): number {
  const e = su(env);
  const wiz = e.model('stock.return.picking').row(wizardId) as Row;
  const pickingId = idOf(wiz.picking_id);
  if (!pickingId) throw new UserError('You may only return Done pickings.');
  const pickings = e.model('stock.picking');
  const moves = e.model('stock.move');
  const picking = pickings.row(pickingId) as Row;
  const wlines = e.model('stock.return.picking.line');
  const lines = wlines.rows(wlines.search([['wizard_id', '=', wizardId]]));
  const todo = lines.filter((l) => (Number(l.quantity) || 0) > 0);
  if (!todo.length) throw new UserError('Please specify at least one non-zero quantity.');
  const type = e.model('stock.picking.type').row(idOf(picking.picking_type_id) as number);
  const returnType = idOf(type?.return_picking_type_id) || idOf(picking.picking_type_id);
  const dest = idOf(wiz.location_id) || idOf(picking.location_id);
  const retId = pickings.create({
    name: pickingName(env, returnType), picking_type_id: returnType, origin: `Return of ${picking.name}`,
    partner_id: picking.partner_id, location_id: picking.location_dest_id, location_dest_id: dest,
    return_id: pickingId, sale_id: picking.sale_id, company_id: picking.company_id, move_type: 'direct',
    scheduled_date: env.now(), state: 'draft', user_id: picking.user_id,
  });
  for (const l of todo) {
    const orig = moves.row(idOf(l.move_id) as number) as Row;
    moves.create({
      name: orig.name, product_id: l.product_id, product_uom_qty: l.quantity, product_uom: orig.product_uom,
      location_id: picking.location_dest_id, location_dest_id: dest, picking_id: retId, picking_type_id: returnType,
      partner_id: picking.partner_id, origin: `Return of ${picking.name}`, state: 'draft', origin_returned_move_id: orig.id,
      sale_line_id: l.to_refund ? orig.sale_line_id : false, to_refund: l.to_refund === true, company_id: orig.company_id,
      warehouse_id: orig.warehouse_id, date: env.now(), quantity: 0,
    });
  }
  confirmPickings(env, [retId]);
  return retId;
}

function returnAction(env: Env, retId: number): Record<string, unknown> {
  const picking = su(env).model('stock.picking').row(retId) as Row;
  if (env.version === 17) {
    return {
      name: 'Returned Picking', view_mode: 'form,tree,calendar', res_model: 'stock.picking', res_id: retId, type: 'ir.actions.act_window',
      context: {
        ...env.context, default_partner_id: picking.partner_id, search_default_picking_type_id: picking.picking_type_id,
        search_default_draft: false, search_default_assigned: false, search_default_confirmed: false, search_default_ready: false,
        search_default_planning_issues: false, search_default_available: false,
      },
    };
  }
  return { name: 'Returned Picking', view_mode: 'form', res_model: 'stock.picking', res_id: retId, type: 'ir.actions.act_window', context: { ...env.context } };
}

// ---------------------------------------------------------------------------------------------

export const registerStock: ModuleRegistrar = (registry, version) => {
  registry.define(defineModel({
    name: 'stock.location', description: 'Inventory Locations', order: 'complete_name, id', recName: 'complete_name', parentName: 'location_id',
    fields: {
      name: { type: 'char', string: 'Location Name', required: true },
      complete_name: {
        type: 'char', string: 'Full Location Name', store: true, depends: ['name', 'location_id.complete_name', 'usage'],
        compute: (env, rows) => rows.map((r) => {
          const parent = r.location_id ? su(env).model('stock.location').row(idOf(r.location_id) as number) : undefined;
          return parent && r.usage !== 'view' ? `${parent.complete_name}/${r.name}` : r.name;
        }),
      },
      active: { type: 'boolean', default: true },
      usage: {
        type: 'selection', string: 'Location Type', required: true, default: 'internal', index: true,
        selection: [['supplier', 'Vendor Location'], ['view', 'View'], ['internal', 'Internal Location'], ['customer', 'Customer Location'],
          ['inventory', 'Inventory Loss'], ['production', 'Production'], ['transit', 'Transit Location']],
      },
      location_id: { type: 'many2one', relation: 'stock.location', string: 'Parent Location', ondelete: 'cascade', index: true },
      child_ids: { type: 'one2many', relation: 'stock.location', inverseName: 'location_id', string: 'Contains' },
      company_id: { type: 'many2one', relation: 'res.company', string: 'Company' },
      barcode: { type: 'char' },
      warehouse_id: {
        type: 'many2one', relation: 'stock.warehouse', string: 'Warehouse',
        compute: (env, rows) => {
          const whs = su(env).model('stock.warehouse');
          const views = new Map(whs.rows(whs.search([])).map((w) => [idOf(w.view_location_id), w.id]));
          const locs = su(env).model('stock.location');
          return rows.map((r) => {
            let cur: Row | undefined = r;
            for (let i = 0; cur && i < 20; i++) {
              const wh = views.get(cur.id);
              if (wh) return wh;
              cur = cur.location_id ? locs.row(idOf(cur.location_id) as number) : undefined;
            }
            return false;
          });
        },
      },
    },
  }));

  registry.define(defineModel({
    name: 'stock.warehouse', description: 'Warehouse', order: 'sequence, id',
    fields: {
      name: { type: 'char', string: 'Warehouse', required: true },
      code: { type: 'char', string: 'Short Name', required: true, size: 5 },
      active: { type: 'boolean', default: true },
      sequence: { type: 'integer', default: 10 },
      company_id: { type: 'many2one', relation: 'res.company', required: true, default: (env: Env) => companyOf(env) },
      partner_id: { type: 'many2one', relation: 'res.partner', string: 'Address' },
      view_location_id: { type: 'many2one', relation: 'stock.location', string: 'View Location' },
      lot_stock_id: { type: 'many2one', relation: 'stock.location', string: 'Location Stock' },
      in_type_id: { type: 'many2one', relation: 'stock.picking.type', string: 'In Type' },
      out_type_id: { type: 'many2one', relation: 'stock.picking.type', string: 'Out Type' },
      reception_steps: { type: 'selection', default: 'one_step', selection: [['one_step', 'Receive and Store (1 step)'], ['two_steps', 'Receive then Store (2 steps)'], ['three_steps', 'Receive, Quality Control, then Store (3 steps)']] },
      delivery_steps: { type: 'selection', default: 'ship_only', selection: [['ship_only', 'Deliver (1 step)'], ['pick_ship', 'Pick then Deliver (2 steps)'], ['pick_pack_ship', 'Pick, Pack, then Deliver (3 steps)']] },
    },
    unique: [
      { fields: ['name', 'company_id'], message: 'The name of the warehouse must be unique per company!' },
      { fields: ['code', 'company_id'], message: 'The short name of the warehouse must be unique per company!' },
    ],
    constraints: [afterSave(['code'], ensureWarehouseSetup)],
  }));

  registry.define(defineModel({
    name: 'stock.picking.type', description: 'Picking Type', order: 'sequence, id',
    fields: {
      name: { type: 'char', string: 'Operation Type', required: true, translate: true },
      code: { type: 'selection', string: 'Type of Operation', required: true, selection: [['incoming', 'Receipt'], ['outgoing', 'Delivery'], ['internal', 'Internal Transfer']] },
      sequence: { type: 'integer', default: 1 },
      sequence_code: { type: 'char', string: 'Sequence Prefix', required: true },
      active: { type: 'boolean', default: true },
      warehouse_id: { type: 'many2one', relation: 'stock.warehouse', ondelete: 'cascade' },
      company_id: { type: 'many2one', relation: 'res.company', default: (env: Env) => companyOf(env) },
      default_location_src_id: { type: 'many2one', relation: 'stock.location', string: 'Default Source Location' },
      default_location_dest_id: { type: 'many2one', relation: 'stock.location', string: 'Default Destination Location' },
      return_picking_type_id: { type: 'many2one', relation: 'stock.picking.type', string: 'Operation Type for Returns' },
      reservation_method: { type: 'selection', default: 'at_confirm', selection: [['at_confirm', 'At Confirmation'], ['manual', 'Manually'], ['by_date', 'Before scheduled date']] },
    },
    displayName: (env, rows) => rows.map((r) => {
      const wh = r.warehouse_id ? su(env).model('stock.warehouse').row(idOf(r.warehouse_id) as number) : undefined;
      return wh ? `${wh.name}: ${r.name}` : String(r.name);
    }),
  }));

  registry.define(defineModel({
    name: 'stock.quant', description: 'Quants', order: 'id',
    fields: {
      product_id: { type: 'many2one', relation: 'product.product', required: true, ondelete: 'restrict', index: true },
      product_tmpl_id: { type: 'many2one', relation: 'product.template', related: 'product_id.product_tmpl_id' },
      location_id: { type: 'many2one', relation: 'stock.location', required: true, ondelete: 'restrict', index: true },
      warehouse_id: { type: 'many2one', relation: 'stock.warehouse', related: 'location_id.warehouse_id' },
      company_id: { type: 'many2one', relation: 'res.company', related: 'location_id.company_id' },
      quantity: { type: 'float', string: 'Quantity', default: 0, readonly: true },
      reserved_quantity: { type: 'float', string: 'Reserved Quantity', default: 0, readonly: true },
      available_quantity: {
        type: 'float', string: 'Available Quantity',
        compute: (_env, rows) => rows.map((r) => roundTo((Number(r.quantity) || 0) - (Number(r.reserved_quantity) || 0), 4)),
      },
      in_date: { type: 'datetime', string: 'Incoming Date', default: (env: Env) => env.now() },
      inventory_quantity: { type: 'float', string: 'Counted Quantity', default: 0 },
      inventory_quantity_set: {
        type: 'boolean', string: 'Inventory Quantity Set',
        default: (env: Env, vals: Vals) => (version === 19 || env.context.inventory_mode === true) && vals.inventory_quantity !== undefined,
      },
      inventory_diff_quantity: {
        type: 'float', string: 'Difference',
        compute: (_env, rows) => rows.map((r) => (r.inventory_quantity_set ? roundTo((Number(r.inventory_quantity) || 0) - (Number(r.quantity) || 0), 4) : 0)),
      },
      inventory_quantity_auto_apply: {
        type: 'float', string: 'Inventoried Quantity',
        compute: (_env, rows) => rows.map((r) => Number(r.quantity) || 0),
        inverse: (env, ids, value) => {
          if (env.context.inventory_mode !== true) return;
          for (const id of ids) applyInventory(env, id, Number(value) || 0);
        },
      },
      user_id: { type: 'many2one', relation: 'res.users', string: 'Assigned To' },
    },
    displayName: (env, rows) => rows.map((r) => {
      const l = su(env).model('stock.location').row(idOf(r.location_id) as number);
      return String(l?.complete_name ?? '');
    }),
    methods: {
      // Odoo's stock.quant.create: in inventory mode a count goes to the existing quant of the product
      // at that location (its id is returned) and only the inventory fields may be given.
      create: {
        kind: 'model', params: ['vals_list'], returnsRecordset: true, checkAccess: 'create',
        impl: (env, _ids, args) => {
          const list = (Array.isArray(args.vals_list) ? args.vals_list : [args.vals_list]) as Vals[];
          const ids: number[] = [];
          const quants = env.model('stock.quant');
          for (const vals of list) {
            if (vals === null || typeof vals !== 'object' || Array.isArray(vals)) {
              ids.push(...quants.createMulti([vals]));
              continue;
            }
            const counted = 'inventory_quantity' in vals || 'inventory_quantity_auto_apply' in vals;
            if (env.context.inventory_mode !== true || !counted) {
              ids.push(quants.create(vals));
              continue;
            }
            const allowed = new Set(['product_id', 'location_id', 'lot_id', 'package_id', 'owner_id', 'inventory_quantity', 'inventory_quantity_auto_apply', 'user_id', 'inventory_date']);
            if (Object.keys(vals).some((k) => !allowed.has(k))) throw new UserError("Quant's creation is restricted, you can't do this operation.");
            const autoApply = 'inventory_quantity_auto_apply' in vals;
            const qty = Number(autoApply ? vals.inventory_quantity_auto_apply : vals.inventory_quantity) || 0;
            const existing = su(env).model('stock.quant').search([['product_id', '=', idOf(vals.product_id)], ['location_id', '=', idOf(vals.location_id)]], { limit: 1 })[0];
            if (existing === undefined) {
              ids.push(quants.create(vals));
              continue;
            }
            if (autoApply) applyInventory(env, existing, qty);
            else su(env).model('stock.quant').write([existing], { inventory_quantity: qty, inventory_quantity_set: true, user_id: idOf(vals.user_id) || env.uid });
            ids.push(existing);
          }
          return su(env).model('stock.quant').browse(ids);
        },
      },
      action_apply_inventory: {
        kind: 'records', params: [], checkAccess: 'write',
        impl: (env, ids) => {
          const quants = su(env).model('stock.quant');
          for (const q of quants.rows(ids as number[])) {
            if (!q.inventory_quantity_set) continue;
            applyInventory(env, q.id, Number(q.inventory_quantity) || 0);
          }
          return null;
        },
      },
      action_set_inventory_quantity_to_zero: {
        kind: 'records', params: [], checkAccess: 'write',
        impl: (env, ids) => {
          su(env).model('stock.quant').write(ids as number[], { inventory_quantity: 0, inventory_quantity_set: false });
          return null;
        },
      },
    },
  }));

  const moveFields = {
    name: { type: 'char' as const, string: 'Description', required: true, default: (env: Env, vals: Record<string, unknown>) => (vals.product_id ? su(env).model('product.product').displayNames([idOf(vals.product_id) as number])[0] : '/') },
    reference: { type: 'char' as const, compute: (env: Env, rows: Row[]) => rows.map((r) => (r.picking_id ? su(env).model('stock.picking').row(idOf(r.picking_id) as number)?.name : r.name)) },
    product_id: { type: 'many2one' as const, relation: 'product.product', required: true, index: true },
    product_uom_qty: { type: 'float' as const, string: 'Demand', default: 0, digits: [16, 2] as [number, number] },
    product_qty: { type: 'float' as const, string: 'Real Quantity', compute: (_e: Env, rows: Row[]) => rows.map((r) => Number(r.product_uom_qty) || 0) },
    quantity: { type: 'float' as const, string: 'Quantity', default: 0, digits: [16, 2] as [number, number] },
    picked: { type: 'boolean' as const, default: false },
    product_uom: { type: 'many2one' as const, relation: 'uom.uom', string: 'UoM', default: (env: Env, vals: Record<string, unknown>) => (vals.product_id ? su(env).model('product.product').get(idOf(vals.product_id) as number, 'uom_id') : false) },
    location_id: { type: 'many2one' as const, relation: 'stock.location', string: 'Source Location', required: true },
    location_dest_id: { type: 'many2one' as const, relation: 'stock.location', string: 'Destination Location', required: true },
    picking_id: { type: 'many2one' as const, relation: 'stock.picking', string: 'Transfer', index: true },
    picking_type_id: { type: 'many2one' as const, relation: 'stock.picking.type', string: 'Operation Type' },
    partner_id: { type: 'many2one' as const, relation: 'res.partner', string: 'Destination Address' },
    state: { type: 'selection' as const, selection: MOVE_STATES, default: 'draft', readonly: true, index: true },
    date: { type: 'datetime' as const, string: 'Date Scheduled', default: (env: Env) => env.now() },
    date_deadline: { type: 'datetime' as const, string: 'Deadline' },
    origin: { type: 'char' as const, string: 'Source Document' },
    company_id: { type: 'many2one' as const, relation: 'res.company', default: (env: Env) => companyOf(env) },
    warehouse_id: { type: 'many2one' as const, relation: 'stock.warehouse' },
    origin_returned_move_id: { type: 'many2one' as const, relation: 'stock.move', string: 'Origin return move' },
    returned_move_ids: { type: 'one2many' as const, relation: 'stock.move', inverseName: 'origin_returned_move_id', string: 'All returned moves' },
    to_refund: { type: 'boolean' as const, string: 'Update quantities on SO/PO', default: false },
    move_line_ids: { type: 'one2many' as const, relation: 'stock.move.line', inverseName: 'move_id', string: 'Operations' },
    sale_line_id: { type: 'many2one' as const, relation: 'sale.order.line', string: 'Sale Line', index: true },
    picking_code: { type: 'selection' as const, selection: [['incoming', 'Receipt'], ['outgoing', 'Delivery'], ['internal', 'Internal Transfer']] as SelectionList, related: 'picking_type_id.code' },
  };

  registry.define(defineModel({
    name: 'stock.move', description: 'Stock Move', order: 'sequence, id',
    fields: { ...moveFields, sequence: { type: 'integer', default: 10 } },
    constraints: [
      afterSave(['quantity'], syncMoveQuantity),
      afterSave(['picked'], (env, ids) => {
        const pickings = su(env).model('stock.picking');
        const pids = su(env).model('stock.move').rows(ids).map((m) => idOf(m.picking_id) as number).filter(Boolean);
        refreshOrderStatus(env, pickings.rows(pids).map((p) => idOf(p.sale_id) as number));
      }),
      afterSave(['state', 'picking_id'], (env, ids) => refreshPickingStates(env, su(env).model('stock.move').rows(ids).map((m) => idOf(m.picking_id) as number).filter(Boolean))),
    ],
    methods: {
      _action_assign: { kind: 'records', params: [], impl: (env, ids) => { assignMoves(env, ids as number[]); return null; } },
    },
  }));

  registry.define(defineModel({
    name: 'stock.move.line', description: 'Product Moves (Stock Move Line)', order: 'id',
    fields: {
      move_id: { type: 'many2one', relation: 'stock.move', string: 'Stock Operation', ondelete: 'cascade', index: true },
      picking_id: { type: 'many2one', relation: 'stock.picking', string: 'Transfer' },
      product_id: { type: 'many2one', relation: 'product.product', required: true },
      location_id: { type: 'many2one', relation: 'stock.location', string: 'From', required: true },
      location_dest_id: { type: 'many2one', relation: 'stock.location', string: 'To', required: true },
      quantity: { type: 'float', default: 0 },
      picked: { type: 'boolean', default: false },
      state: { type: 'selection', selection: MOVE_STATES, default: 'assigned' },
      date: { type: 'datetime', default: (env: Env) => env.now() },
      reference: { type: 'char', related: 'move_id.reference' },
      company_id: { type: 'many2one', relation: 'res.company' },
      product_uom_id: { type: 'many2one', relation: 'uom.uom', related: 'move_id.product_uom' },
    },
  }));

  registry.define(defineModel({
    name: 'stock.picking', description: 'Transfer', order: 'priority desc, scheduled_date asc, id desc', recNamesSearch: ['name', 'origin'],
    fields: {
      name: { type: 'char', string: 'Reference', default: (env: Env, vals: Vals) => pickingName(env, idOf(vals.picking_type_id)), index: true },
      origin: { type: 'char', string: 'Source Document', index: true },
      note: { type: 'html', string: 'Notes' },
      backorder_id: { type: 'many2one', relation: 'stock.picking', string: 'Back Order of', index: true },
      backorder_ids: { type: 'one2many', relation: 'stock.picking', inverseName: 'backorder_id', string: 'Back Orders' },
      return_id: { type: 'many2one', relation: 'stock.picking', string: 'Return of', index: true },
      return_ids: { type: 'one2many', relation: 'stock.picking', inverseName: 'return_id', string: 'Returns' },
      return_count: { type: 'integer', compute: (env, rows) => rows.map((r) => su(env).model('stock.picking').searchCount([['return_id', '=', r.id]])) },
      move_type: { type: 'selection', string: 'Shipping Policy', required: true, default: 'direct', selection: [['direct', 'As soon as possible'], ['one', 'When all products are ready']] },
      state: { type: 'selection', string: 'Status', selection: PICKING_STATES, default: 'draft', readonly: true, index: true },
      priority: { type: 'selection', default: '0', selection: [['0', 'Normal'], ['1', 'Urgent']] },
      scheduled_date: { type: 'datetime', string: 'Scheduled Date', default: (env: Env) => env.now() },
      date_deadline: { type: 'datetime', string: 'Deadline' },
      date: { type: 'datetime', string: 'Creation Date', default: (env: Env) => env.now() },
      date_done: { type: 'datetime', string: 'Date of Transfer', readonly: true },
      location_id: { type: 'many2one', relation: 'stock.location', string: 'Source Location', required: true,
        default: (env: Env, vals: Vals) => (vals.picking_type_id ? su(env).model('stock.picking.type').row(idOf(vals.picking_type_id) as number)?.default_location_src_id ?? false : false) },
      location_dest_id: { type: 'many2one', relation: 'stock.location', string: 'Destination Location', required: true,
        default: (env: Env, vals: Vals) => (vals.picking_type_id ? su(env).model('stock.picking.type').row(idOf(vals.picking_type_id) as number)?.default_location_dest_id ?? false : false) },
      picking_type_id: { type: 'many2one', relation: 'stock.picking.type', string: 'Operation Type', required: true, index: true },
      picking_type_code: { type: 'selection', selection: [['incoming', 'Receipt'], ['outgoing', 'Delivery'], ['internal', 'Internal Transfer']], related: 'picking_type_id.code' },
      partner_id: { type: 'many2one', relation: 'res.partner', string: 'Contact' },
      company_id: { type: 'many2one', relation: 'res.company', default: (env: Env) => companyOf(env) },
      user_id: { type: 'many2one', relation: 'res.users', string: 'Responsible', default: (env: Env) => env.uid },
      move_ids: { type: 'one2many', relation: 'stock.move', inverseName: 'picking_id', string: 'Stock Moves' },
      move_ids_without_package: { type: 'one2many', relation: 'stock.move', inverseName: 'picking_id', string: 'Stock moves not in package' },
      move_line_ids: { type: 'one2many', relation: 'stock.move.line', inverseName: 'picking_id', string: 'Operations' },
      product_id: { type: 'many2one', relation: 'product.product', compute: (env, rows) => rows.map((r) => {
        const ms = su(env).model('stock.move').rows(su(env).model('stock.move').search([['picking_id', '=', r.id]], { limit: 1 }));
        return ms.length ? idOf(ms[0].product_id) : false;
      }), search: (_env, op, value) => [['move_ids.product_id', op, value]] },
      sale_id: { type: 'many2one', relation: 'sale.order', string: 'Sales Order', index: true },
      carrier_tracking_ref: { type: 'char', string: 'Tracking Reference' },
      weight: { type: 'float', default: 0 },
      is_locked: { type: 'boolean', default: true },
    },
    methods: {
      unlink: {
        kind: 'records', params: [], checkAccess: 'unlink',
        impl: (env, ids) => {
          const moves = su(env).model('stock.move');
          if (moves.rows(moves.search([['picking_id', 'in', ids]])).some((m) => m.state !== 'draft' && m.state !== 'cancel')) {
            throw new UserError('You can only delete draft or cancelled moves.');
          }
          return env.model('stock.picking').unlink(ids as number[]);
        },
      },
      action_confirm: { kind: 'records', params: [], checkAccess: 'write', impl: (env, ids) => { confirmPickings(env, ids as number[]); return true; } },
      action_assign: {
        kind: 'records', params: [], checkAccess: 'write',
        impl: (env, ids) => {
          const pickings = su(env).model('stock.picking');
          const draft = pickings.rows(ids as number[]).filter((p) => p.state === 'draft').map((p) => p.id);
          if (draft.length) confirmPickings(env, draft);
          const moves = su(env).model('stock.move');
          assignMoves(env, moves.search([['picking_id', 'in', ids], ['state', 'in', ['confirmed', 'partially_available', 'waiting']]]));
          refreshPickingStates(env, ids as number[]);
          return true;
        },
      },
      do_unreserve: {
        kind: 'records', params: [], checkAccess: 'write',
        impl: (env, ids) => {
          const moves = su(env).model('stock.move');
          for (const m of moves.rows(moves.search([['picking_id', 'in', ids], ['state', 'in', ['assigned', 'partially_available']]]))) {
            releaseDownTo(env, m, 0);
            moves.write([m.id], { quantity: 0, state: 'confirmed' });
          }
          refreshPickingStates(env, ids as number[]);
          return null;
        },
      },
      button_validate: { kind: 'records', params: [], checkAccess: 'write', impl: (env, ids) => buttonValidate(env, ids as number[]) },
      action_cancel: { kind: 'records', params: [], checkAccess: 'write', impl: (env, ids) => { cancelPickings(env, ids as number[]); return true; } },
    },
  }));

  registry.define(defineModel({
    name: 'stock.backorder.confirmation', description: 'Backorder Confirmation', transient: true,
    fields: {
      pick_ids: { type: 'many2many', relation: 'stock.picking', default: (env: Env) => idsOf(env.context.button_validate_picking_ids) },
      show_transfers: { type: 'boolean', default: false },
      backorder_confirmation_line_ids: { type: 'one2many', relation: 'stock.backorder.confirmation.line', inverseName: 'backorder_confirmation_id',
        default: (env: Env) => idsOf(env.context.button_validate_picking_ids).map((id) => [0, 0, { picking_id: id, to_backorder: true }]) },
    },
    methods: {
      process: {
        kind: 'records', params: [],
        impl: (env, ids) => {
          const e = su(env);
          const wiz = e.model('stock.backorder.confirmation').row((ids as number[])[0]) as Row;
          const lines = e.model('stock.backorder.confirmation.line');
          const noBackorder = lines.rows(lines.search([['backorder_confirmation_id', '=', wiz.id], ['to_backorder', '=', false]])).map((l) => idOf(l.picking_id));
          const pickIds = idsOf(wiz.pick_ids).length ? idsOf(wiz.pick_ids) : idsOf(env.context.button_validate_picking_ids);
          for (const id of pickIds) processPicking(env, id, !noBackorder.includes(id));
          return true;
        },
      },
      process_cancel_backorder: {
        kind: 'records', params: [],
        impl: (env, ids) => {
          const wiz = su(env).model('stock.backorder.confirmation').row((ids as number[])[0]) as Row;
          const pickIds = idsOf(wiz.pick_ids).length ? idsOf(wiz.pick_ids) : idsOf(env.context.button_validate_picking_ids);
          for (const id of pickIds) processPicking(env, id, false);
          return true;
        },
      },
    },
  }));

  registry.define(defineModel({
    name: 'stock.backorder.confirmation.line', description: 'Backorder Confirmation Line', transient: true,
    fields: {
      backorder_confirmation_id: { type: 'many2one', relation: 'stock.backorder.confirmation', ondelete: 'cascade' },
      picking_id: { type: 'many2one', relation: 'stock.picking' },
      to_backorder: { type: 'boolean', default: false },
    },
  }));

  registry.define(defineModel({
    name: 'stock.return.picking', description: 'Return Picking', transient: true,
    fields: {
      picking_id: { type: 'many2one', relation: 'stock.picking', default: (env: Env) => returnPickingFromContext(env) },
      product_return_moves: {
        type: 'one2many', relation: 'stock.return.picking.line', inverseName: 'wizard_id', string: 'Moves',
        default: (env: Env, vals: Vals) => {
          const pid = idOf(vals.picking_id) || returnPickingFromContext(env);
          return pid ? returnLineValues(env, pid).map((v) => [0, 0, v]) : [];
        },
      },
      company_id: { type: 'many2one', relation: 'res.company', related: 'picking_id.company_id' },
      ...(version === 17 ? {
        move_dest_exists: { type: 'boolean' as const, default: false },
        original_location_id: { type: 'many2one' as const, relation: 'stock.location', related: 'picking_id.location_id' },
        parent_location_id: { type: 'many2one' as const, relation: 'stock.location',
          compute: (env: Env, rows: Row[]) => rows.map((r) => {
            const p = r.picking_id ? su(env).model('stock.picking').row(idOf(r.picking_id) as number) : undefined;
            const t = p ? su(env).model('stock.picking.type').row(idOf(p.picking_type_id) as number) : undefined;
            const wh = t?.warehouse_id ? su(env).model('stock.warehouse').row(idOf(t.warehouse_id) as number) : undefined;
            return wh ? idOf(wh.view_location_id) : false;
          }) },
        location_id: { type: 'many2one' as const, relation: 'stock.location', string: 'Return Location',
          default: (env: Env, vals: Record<string, unknown>) => {
            const pid = idOf(vals.picking_id) || returnPickingFromContext(env);
            return pid ? su(env).model('stock.picking').row(pid)?.location_id ?? false : false;
          } },
      } : {}),
      ...(version === 19 ? {
        picking_type_code: { type: 'selection' as const, selection: [['incoming', 'Receipt'], ['outgoing', 'Delivery'], ['internal', 'Internal Transfer']] as SelectionList, related: 'picking_id.picking_type_code' },
      } : {}),
    },
    methods: {
      create_returns: {
        kind: 'records', params: [], onlyVersions: [17],
        impl: (env, ids) => returnAction(env, createReturns(env, (ids as number[])[0])),
      },
      action_create_returns: {
        kind: 'records', params: [], onlyVersions: [18, 19],
        impl: (env, ids) => returnAction(env, createReturns(env, (ids as number[])[0])),
      },
      action_create_returns_all: {
        kind: 'records', params: [], onlyVersions: [18, 19],
        impl: (env, ids) => {
          const lines = su(env).model('stock.return.picking.line');
          for (const l of lines.rows(lines.search([['wizard_id', '=', (ids as number[])[0]]]))) {
            lines.write([l.id], { quantity: returnableQty(env, idOf(l.move_id) as number) });
          }
          return returnAction(env, createReturns(env, (ids as number[])[0]));
        },
      },
    },
  }));

  registry.define(defineModel({
    name: 'stock.return.picking.line', description: 'Return Picking Line', transient: true,
    fields: {
      product_id: { type: 'many2one', relation: 'product.product', required: true },
      quantity: { type: 'float', default: 0, digits: [16, 2] },
      uom_id: { type: 'many2one', relation: 'uom.uom', string: 'Unit of Measure' },
      wizard_id: { type: 'many2one', relation: 'stock.return.picking', string: 'Wizard', ondelete: 'cascade' },
      move_id: { type: 'many2one', relation: 'stock.move', string: 'Move' },
      to_refund: { type: 'boolean', string: 'Update quantities on SO/PO', default: true },
      ...(version !== 17 ? {
        move_quantity: { type: 'float' as const, string: 'Move Quantity', related: 'move_id.quantity' },
      } : {}),
    },
  }));

  // Quantity fields on products (stock's extension of product)
  registry.extend('product.product', {
    fields: {
      qty_available: qtyField('qty_available', 'Quantity On Hand'),
      virtual_available: qtyField('virtual_available', 'Forecasted Quantity'),
      free_qty: qtyField('free_qty', 'Free To Use Quantity '),
      incoming_qty: qtyField('incoming_qty', 'Incoming'),
      outgoing_qty: qtyField('outgoing_qty', 'Outgoing'),
      stock_quant_ids: { type: 'one2many', relation: 'stock.quant', inverseName: 'product_id' },
      stock_move_ids: { type: 'one2many', relation: 'stock.move', inverseName: 'product_id' },
    },
  });
  registry.extend('product.template', {
    fields: {
      qty_available: templateQtyField('qty_available', 'Quantity On Hand'),
      virtual_available: templateQtyField('virtual_available', 'Forecasted Quantity'),
      incoming_qty: templateQtyField('incoming_qty', 'Incoming'),
      outgoing_qty: templateQtyField('outgoing_qty', 'Outgoing'),
      tracking: { type: 'selection', default: 'none', selection: [['serial', 'By Unique Serial Number'], ['lot', 'By Lots'], ['none', 'By Quantity']] },
    },
  });

  const stockModels = ['stock.location', 'stock.warehouse', 'stock.picking.type', 'stock.quant', 'stock.move', 'stock.move.line', 'stock.picking'];
  for (const m of stockModels) {
    registry.grant(m, GROUPS.user, 'r');
    registry.grant(m, GROUPS.stockUser, 'rwc');
    registry.grant(m, GROUPS.stockManager, 'rwcu');
    registry.grant(m, GROUPS.system, 'rwcu');
  }
  for (const m of ['stock.location', 'stock.warehouse', 'stock.picking.type', 'stock.quant']) registry.grant(m, GROUPS.integration, 'r');
  // the integration ships orders and books customer returns: pickings, their moves and the wizards
  for (const m of ['stock.picking', 'stock.move', 'stock.move.line']) registry.grant(m, GROUPS.integration, 'rwc');
  for (const m of ['stock.backorder.confirmation', 'stock.backorder.confirmation.line', 'stock.return.picking', 'stock.return.picking.line']) {
    registry.grant(m, GROUPS.stockUser, 'rwcu');
    registry.grant(m, GROUPS.integration, 'rwc');
    registry.grant(m, GROUPS.system, 'rwcu');
  }
};

function returnableQty(env: Env, moveId: number): number {
  const moves = su(env).model('stock.move');
  const m = moves.row(moveId) as Row;
  const returned = moves.rows(moves.search([['origin_returned_move_id', '=', moveId], ['state', '!=', 'cancel']]))
    .reduce((s, r) => s + (Number(r.product_uom_qty) || 0), 0);
  return Math.max(0, roundTo((Number(m.quantity) || 0) - returned, 4));
}

/** Set the on-hand quantity of a quant's product at its location to `counted` (inventory adjustment). */
export function applyInventory(env: Env, quantId: number, counted: number): void {
  const e = su(env);
  const quants = e.model('stock.quant');
  const q = quants.row(quantId) as Row;
  const productId = idOf(q.product_id) as number;
  const locationId = idOf(q.location_id) as number;
  const total = quants.rows(quants.search([['product_id', '=', productId], ['location_id', '=', locationId]]))
    .reduce((s, r) => s + (Number(r.quantity) || 0), 0);
  const diff = roundTo(counted - total, 4);
  quants.write([quantId], {
    quantity: roundTo((Number(q.quantity) || 0) + diff, 4), inventory_quantity: 0, inventory_quantity_set: false,
    in_date: env.now(),
  });
  if (diff > 0) triggerAssign(env, [productId]);
}
