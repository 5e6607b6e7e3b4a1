/**
 * Invoicing (Odoo module account): taxes, journals, payment terms, customer invoices and credit notes
 * with totals, residual and payment state, posting, the "Register Payment" and "Reverse" wizards,
 * payments with their per-version states, and the partner's credit from open receivables.
 *
 * Simplification: an invoice holds only its product lines (no tax/receivable journal items); the open
 * amount is the total minus the payments reconciled with it (account.payment.reconciled_invoice_ids).
 */
import { defineModel, GROUPS, type Env, type ModuleRegistrar, type Row, type SelectionList, type Vals } from '../orm/schema';
import { UserError } from '../exceptions';
import { addDays, afterSave, companyCurrency, companyOf, idOf, idsOf, isZero, roundTo } from './dist-util';
import { productTemplate } from './product';
import { ordersOfInvoices, refreshOrderStatus } from './sale';

function su(env: Env): Env {
  return env.sudo().withContext({ active_test: false });
}

const OPEN_PAYMENT_STATES = ['posted', 'in_process', 'paid'];

/** Taxes of a line (Odoo's compute_all, rounded per line): untaxed subtotal, tax and total. */
export function computeTaxes(env: Env, taxIds: number[], priceUnit: number, qty: number, discount: number): { subtotal: number; tax: number; total: number } {
  const taxes = su(env).model('account.tax').rows(taxIds).sort((a, b) => (Number(a.sequence) || 0) - (Number(b.sequence) || 0) || a.id - b.id);
  const price = priceUnit * (1 - (discount || 0) / 100);
  let base = price * qty;
  // price-included percent taxes come off the base first
  const included = taxes.filter((t) => t.price_include === true && t.amount_type === 'percent');
  const inclRate = included.reduce((s, t) => s + (Number(t.amount) || 0), 0);
  if (inclRate) base = base / (1 + inclRate / 100);
  const subtotal = roundTo(base, 2);
  let tax = 0;
  for (const t of taxes) {
    const amount = Number(t.amount) || 0;
    if (t.amount_type === 'fixed') tax += roundTo(amount * qty, 2);
    else if (t.amount_type === 'division') tax += roundTo(amount < 100 ? base / (1 - amount / 100) - base : 0, 2);
    else tax += roundTo((base * amount) / 100, 2);
  }
  tax = roundTo(tax, 2);
  return { subtotal, tax, total: roundTo(subtotal + tax, 2) };
}

export function defaultSaleJournal(env: Env): number | false {
  return su(env).model('account.journal').search([['type', '=', 'sale'], ['company_id', '=', companyOf(env)]], { limit: 1, order: 'sequence, id' })[0] ?? false;
}

function defaultBankJournal(env: Env): number | false {
  return su(env).model('account.journal').search([['type', 'in', ['bank', 'cash']], ['company_id', '=', companyOf(env)]], { limit: 1, order: 'sequence, id' })[0] ?? false;
}

function moveLines(env: Env, moveId: number): Row[] {
  const aml = su(env).model('account.move.line');
  return aml.rows(aml.search([['move_id', '=', moveId]]));
}

function paymentsOf(env: Env, moveId: number): Row[] {
  const pays = su(env).model('account.payment');
  return pays.rows(pays.search([['reconciled_invoice_ids', 'in', [moveId]]])).filter((p) => OPEN_PAYMENT_STATES.includes(String(p.state)));
}

function isInvoice(move: Row): boolean {
  return move.move_type === 'out_invoice' || move.move_type === 'out_refund' || move.move_type === 'in_invoice' || move.move_type === 'in_refund';
}

export function moveResidual(env: Env, move: Row): number {
  if (move.state === 'cancel') return 0;
  const total = Number(move.amount_total) || 0;
  if (move.state !== 'posted' || !isInvoice(move)) return total;
  const paid = paymentsOf(env, move.id).reduce((s, p) => s + (Number(p.amount) || 0), 0);
  return roundTo(Math.max(0, total - paid), 2);
}

function paymentState(env: Env, move: Row): string {
  if (move.state !== 'posted' || !isInvoice(move)) return 'not_paid';
  const residual = moveResidual(env, move);
  const total = Number(move.amount_total) || 0;
  if (isZero(residual)) return 'paid';
  if (residual < total - 0.005) return 'partial';
  return 'not_paid';
}

function dueDate(env: Env, termId: number | false, date: string): string {
  if (!termId) return date;
  const lines = su(env).model('account.payment.term.line');
  const rows = lines.rows(lines.search([['payment_id', '=', termId]]));
  const days = rows.reduce((m, l) => Math.max(m, Number(l.nb_days) || 0), 0);
  return addDays(date, days);
}

/** Create a draft customer invoice or credit note (lines as [0, 0, vals] commands). */
export function createInvoice(env: Env, vals: Vals): number {
  const id = su(env).model('account.move').create(vals);
  refreshOrderStatus(env, ordersOfInvoices(env, [id]));
  return id;
}

function commercialPartner(env: Env, partnerId: number | false): number | false {
  const partners = su(env).model('res.partner');
  let cur = partnerId ? partners.row(partnerId) : undefined;
  for (let i = 0; cur && i < 10; i++) {
    if (cur.is_company || !cur.parent_id) return cur.id;
    cur = partners.row(idOf(cur.parent_id) as number);
  }
  return partnerId;
}

/** res.partner.credit: open receivable of the commercial entity (posted invoices minus credit notes). */
export function partnerCredit(env: Env, partnerId: number): number {
  const moves = su(env).model('account.move');
  let credit = 0;
  for (const m of moves.rows(moves.search([['state', '=', 'posted'], ['move_type', 'in', ['out_invoice', 'out_refund']]]))) {
    if (commercialPartner(env, idOf(m.partner_id)) !== partnerId) continue;
    const r = moveResidual(env, m);
    credit += m.move_type === 'out_refund' ? -r : r;
  }
  return roundTo(credit, 2);
}

function postMoves(env: Env, ids: number[]): false {
  const e = su(env);
  const moves = e.model('account.move');
  for (const m of moves.rows(ids)) {
    if (m.state === 'posted') throw new UserError(`The entry ${m.name} (id ${m.id}) is already posted.`);
    if (m.state === 'cancel') throw new UserError('You cannot post a cancelled entry.');
    const lines = moveLines(env, m.id).filter((l) => !l.display_type || l.display_type === 'product');
    if (isInvoice(m)) {
      if (!m.partner_id) {
        const label = m.move_type === 'out_refund' ? 'Customer Credit Note' : m.move_type === 'out_invoice' ? 'Customer Invoice' : 'Vendor Bill';
        throw new UserError(`The field '${m.move_type?.toString().startsWith('out') ? 'Customer' : 'Vendor'}' is required, please complete it to validate the ${label}.`);
      }
      if (!lines.length) throw new UserError('You need to add a line before posting.');
      if ((Number(m.amount_total) || 0) < 0) {
        throw new UserError('You cannot validate an invoice with a negative total amount. You should create a credit note instead. Use the action menu to transform it into a credit note or refund.');
      }
    }
    const invoiceDate = m.invoice_date ? String(m.invoice_date) : env.today();
    const journal = e.model('account.journal').row(idOf(m.journal_id) as number);
    const code = String(journal?.code ?? 'MISC');
    const year = invoiceDate.slice(0, 4);
    const prefix = `${m.move_type === 'out_refund' || m.move_type === 'in_refund' ? 'R' : ''}${code}/${year}/`;
    const name = m.name && m.name !== '/' ? m.name : env.nextSequence(`account.move.${prefix}`, prefix, 5);
    const vals: Vals = { state: 'posted', name, date: invoiceDate };
    if (isInvoice(m)) {
      vals.invoice_date = invoiceDate;
      if (!m.payment_reference && m.move_type === 'out_invoice') vals.payment_reference = name;
    }
    moves.write([m.id], vals);
  }
  refreshOrderStatus(env, ordersOfInvoices(env, ids));
  return false;
}

function registerWizardMoves(env: Env): number[] {
  const c = env.context;
  const ids = Array.isArray(c.active_ids) ? idsOf(c.active_ids) : typeof c.active_id === 'number' ? [c.active_id] : [];
  if (c.active_model === 'account.move') return ids;
  if (c.active_model === 'account.move.line') {
    return [...new Set(su(env).model('account.move.line').rows(ids).map((l) => idOf(l.move_id) as number))];
  }
  throw new UserError('The register payment wizard should only be called on account.move or account.move.line records.');
}

function checkPayable(env: Env, moveIds: number[]): Row[] {
  const moves = su(env).model('account.move').rows(moveIds);
  if (!moves.length || moves.some((m) => m.state !== 'posted')) throw new UserError('You can only register payment for posted journal entries.');
  const open = moves.filter((m) => !isZero(moveResidual(env, m)));
  if (!open.length) throw new UserError("You can't register a payment because there is nothing left to pay on the selected journal items.");
  return open;
}

/** Write the open amount and payment state of invoices whose payments changed. */
export function refreshPaymentState(env: Env, moveIds: number[]): void {
  const moves = su(env).model('account.move');
  for (const m of moves.rows([...new Set(moveIds)])) {
    const residual = moveResidual(env, m);
    const state = paymentState(env, m);
    if (m.amount_residual !== residual || m.payment_state !== state) moves.write([m.id], { amount_residual: residual, payment_state: state });
  }
}

/** After payments change: on 18/19 the payments of a fully paid invoice move from in_process to paid. */
function syncPaymentStates(env: Env, moveIds: number[]): void {
  refreshPaymentState(env, moveIds);
  if (env.version === 17) return;
  const pays = su(env).model('account.payment');
  const moves = su(env).model('account.move');
  for (const m of moves.rows(moveIds)) {
    if (paymentState(env, m) !== 'paid') continue;
    const ids = paymentsOf(env, m.id).filter((p) => p.state === 'in_process').map((p) => p.id);
    if (ids.length) pays.write(ids, { state: 'paid' });
  }
}

export function registerPayment(env: Env, moveId: number, amount: number, opts: { date?: string; journalId?: number | false; memo?: string } = {}): number {
  const e = su(env);
  const move = e.model('account.move').row(moveId) as Row;
  const journalId = opts.journalId || defaultBankJournal(env);
  const journal = journalId ? e.model('account.journal').row(journalId) : undefined;
  const date = opts.date ?? env.today();
  const inbound = move.move_type === 'out_invoice' || move.move_type === 'in_refund';
  const methods = e.model('account.payment.method.line');
  const method = methods.search([['journal_id', '=', journalId], ['payment_type', '=', inbound ? 'inbound' : 'outbound']], { limit: 1 })[0] ?? false;
  const prefix = `P${journal?.code ?? 'BNK1'}/${date.slice(0, 4)}/`;
  const vals: Vals = {
    name: env.nextSequence(`account.payment.${prefix}`, prefix, 5),
    payment_type: inbound ? 'inbound' : 'outbound', partner_type: move.move_type?.toString().startsWith('out') ? 'customer' : 'supplier',
    partner_id: commercialPartner(env, idOf(move.partner_id)), amount: roundTo(amount, 2), date, journal_id: journalId,
    currency_id: move.currency_id, company_id: move.company_id, payment_method_line_id: method,
    reconciled_invoice_ids: [[6, 0, [moveId]]], state: env.version === 17 ? 'posted' : 'in_process',
    [env.version === 17 ? 'ref' : 'memo']: opts.memo ?? move.name,
  };
  const id = e.model('account.payment').create(vals);
  syncPaymentStates(env, [moveId]);
  return id;
}

function reverseMoves(env: Env, wizardId: number): number[] {
  const e = su(env);
  const wiz = e.model('account.move.reversal').row(wizardId) as Row;
  const moves = e.model('account.move');
  const out: number[] = [];
  for (const m of moves.rows(idsOf(wiz.move_ids))) {
    if (m.state !== 'posted') throw new UserError('You can only reverse posted moves.');
    const type = m.move_type === 'out_invoice' ? 'out_refund' : m.move_type === 'out_refund' ? 'out_invoice' : m.move_type === 'in_invoice' ? 'in_refund' : m.move_type === 'in_refund' ? 'in_invoice' : 'entry';
    const lines = moveLines(env, m.id).map((l) => [0, 0, {
      product_id: l.product_id, name: l.name, quantity: l.quantity, price_unit: l.price_unit, discount: l.discount,
      tax_ids: [[6, 0, idsOf(l.tax_ids)]], sale_line_ids: [[6, 0, idsOf(l.sale_line_ids)]], product_uom_id: l.product_uom_id,
      display_type: l.display_type, sequence: l.sequence,
    }]);
    const reason = wiz.reason ? `Reversal of: ${m.name}, ${wiz.reason}` : `Reversal of: ${m.name}`;
    out.push(createInvoice(env, {
      move_type: type, partner_id: m.partner_id, partner_shipping_id: m.partner_shipping_id, reversed_entry_id: m.id,
      ref: reason, invoice_origin: m.invoice_origin, journal_id: wiz.journal_id || m.journal_id, company_id: m.company_id,
      currency_id: m.currency_id, invoice_payment_term_id: m.invoice_payment_term_id, invoice_user_id: m.invoice_user_id,
      invoice_date: wiz.date || env.today(), date: wiz.date || env.today(), invoice_line_ids: lines,
    }));
  }
  e.model('account.move.reversal').write([wizardId], { new_move_ids: [[6, 0, out]] });
  return out;
}

// ---------------------------------------------------------------------------------------------

export const registerAccount: ModuleRegistrar = (registry, version) => {
  registry.define(defineModel({
    name: 'account.tax', description: 'Tax', order: 'sequence, id',
    fields: {
      name: { type: 'char', string: 'Tax Name', required: true, translate: true },
      type_tax_use: { type: 'selection', string: 'Tax Type', required: true, default: 'sale', selection: [['sale', 'Sales'], ['purchase', 'Purchases'], ['none', 'None']] },
      amount_type: { type: 'selection', string: 'Tax Computation', required: true, default: 'percent',
        selection: [['group', 'Group of Taxes'], ['fixed', 'Fixed'], ['percent', 'Percentage'], ['division', 'Percentage Tax Included']] },
      amount: { type: 'float', required: true, default: 0, digits: [16, 4] },
      active: { type: 'boolean', default: true },
      sequence: { type: 'integer', default: 1 },
      company_id: { type: 'many2one', relation: 'res.company', required: true, default: (env: Env) => companyOf(env) },
      description: { type: 'char', string: 'Label on Invoices' },
      price_include: { type: 'boolean', string: 'Included in Price', default: false },
      ...(version === 19 ? {
        price_include_override: { type: 'selection' as const, string: 'Included in Price', selection: [['tax_included', 'Tax Included'], ['tax_excluded', 'Tax Excluded']] as SelectionList },
      } : {}),
      include_base_amount: { type: 'boolean', string: 'Affect Base of Subsequent Taxes', default: false },
      tax_scope: { type: 'selection', selection: [['service', 'Services'], ['consu', 'Goods']] },
    },
    unique: [{ fields: ['name', 'company_id', 'type_tax_use', 'tax_scope'], message: 'Tax names must be unique!' }],
  }));

  registry.define(defineModel({
    name: 'account.journal', description: 'Journal', order: 'sequence, type, code',
    fields: {
      name: { type: 'char', string: 'Journal Name', required: true, translate: true },
      code: { type: 'char', string: 'Short Code', required: true, size: 5 },
      type: { type: 'selection', required: true,
        selection: [['sale', 'Sales'], ['purchase', 'Purchase'], ['cash', 'Cash'], ['bank', 'Bank'], ['general', 'Miscellaneous']] },
      active: { type: 'boolean', default: true },
      sequence: { type: 'integer', default: 10 },
      company_id: { type: 'many2one', relation: 'res.company', required: true, default: (env: Env) => companyOf(env) },
      currency_id: { type: 'many2one', relation: 'res.currency' },
    },
    displayName: (_env, rows) => rows.map((r) => String(r.name)),
  }));

  registry.define(defineModel({
    name: 'account.payment.term', description: 'Payment Terms', order: 'sequence, id',
    fields: {
      name: { type: 'char', string: 'Payment Terms', required: true, translate: true },
      active: { type: 'boolean', default: true },
      sequence: { type: 'integer', default: 10 },
      note: { type: 'html', string: 'Description on the Invoice' },
      company_id: { type: 'many2one', relation: 'res.company' },
      line_ids: { type: 'one2many', relation: 'account.payment.term.line', inverseName: 'payment_id', string: 'Terms', copy: true },
    },
  }));

  registry.define(defineModel({
    name: 'account.payment.term.line', description: 'Payment Terms Line', order: 'id',
    fields: {
      payment_id: { type: 'many2one', relation: 'account.payment.term', string: 'Payment Terms', required: true, ondelete: 'cascade' },
      value: { type: 'selection', required: true, default: 'percent',
        selection: version === 17 ? [['balance', 'Balance'], ['percent', 'Percent'], ['fixed', 'Fixed']] : [['percent', 'Percent'], ['fixed', 'Fixed']] },
      value_amount: { type: 'float', string: 'Due', default: 100 },
      nb_days: { type: 'integer', string: 'Days', default: 0 },
      delay_type: { type: 'selection', default: 'days_after',
        selection: [['days_after', 'Days after invoice date'], ['days_after_end_of_month', 'Days after end of month'], ['days_after_end_of_next_month', 'Days after end of next month'], ['days_end_of_month_on_the', 'Days end of month on the']] },
    },
  }));

  const moveTypes: SelectionList = [['entry', 'Journal Entry'], ['out_invoice', 'Customer Invoice'], ['out_refund', 'Customer Credit Note'],
    ['in_invoice', 'Vendor Bill'], ['in_refund', 'Vendor Credit Note'], ['out_receipt', 'Sales Receipt'], ['in_receipt', 'Purchase Receipt']];
  const paymentStates: SelectionList = [['not_paid', 'Not Paid'], ['in_payment', 'In Payment'], ['paid', 'Paid'], ['partial', 'Partially Paid'],
    ['reversed', 'Reversed'], ...(version === 17 ? [] : [['blocked', 'Blocked']] as SelectionList), ['invoicing_legacy', 'Invoicing App Legacy']];
  const reversalField: string = version === 17 ? 'reversal_move_id' : 'reversal_move_ids';

  registry.define(defineModel({
    name: 'account.move', description: 'Journal Entry', order: 'date desc, name desc, invoice_date desc, id desc', recNamesSearch: ['name', 'partner_id.name', 'ref'],
    fields: {
      name: { type: 'char', string: 'Number', default: version === 17 ? '/' : false, index: true, copy: false },
      move_type: { type: 'selection', string: 'Type', required: true, default: 'entry', selection: moveTypes, index: true },
      state: { type: 'selection', string: 'Status', required: true, default: 'draft', readonly: true,
        selection: [['draft', 'Draft'], ['posted', 'Posted'], ['cancel', 'Cancelled']] },
      date: { type: 'date', string: 'Date', required: true, default: (env: Env) => env.today() },
      ref: { type: 'char', string: 'Reference' },
      narration: { type: 'html', string: 'Terms and Conditions' },
      journal_id: { type: 'many2one', relation: 'account.journal', string: 'Journal', required: true,
        default: (env: Env, vals: Vals) => (['out_invoice', 'out_refund', 'out_receipt'].includes(String(vals.move_type ?? env.context.default_move_type)) ? defaultSaleJournal(env) : su(env).model('account.journal').search([['type', '=', 'general']], { limit: 1 })[0] ?? defaultSaleJournal(env)) },
      company_id: { type: 'many2one', relation: 'res.company', required: true, default: (env: Env) => companyOf(env) },
      currency_id: { type: 'many2one', relation: 'res.currency', string: 'Currency', required: true, default: (env: Env) => companyCurrency(env) },
      partner_id: { type: 'many2one', relation: 'res.partner', string: 'Partner', index: true },
      commercial_partner_id: { type: 'many2one', relation: 'res.partner', string: 'Commercial Entity',
        compute: (env, rows) => rows.map((r) => commercialPartner(env, idOf(r.partner_id))) },
      partner_shipping_id: { type: 'many2one', relation: 'res.partner', string: 'Delivery Address' },
      invoice_date: { type: 'date', string: 'Invoice/Bill Date', index: true },
      invoice_date_due: { type: 'date', string: 'Due Date', store: true, depends: ['invoice_date', 'invoice_payment_term_id', 'date'],
        compute: (env, rows) => rows.map((r) => (isInvoice(r) ? dueDate(env, idOf(r.invoice_payment_term_id), String(r.invoice_date || r.date || env.today())) : false)) },
      invoice_payment_term_id: { type: 'many2one', relation: 'account.payment.term', string: 'Payment Terms' },
      invoice_origin: { type: 'char', string: 'Origin' },
      invoice_user_id: { type: 'many2one', relation: 'res.users', string: 'Salesperson', default: (env: Env) => env.uid },
      payment_reference: { type: 'char', string: 'Payment Reference' },
      line_ids: { type: 'one2many', relation: 'account.move.line', inverseName: 'move_id', string: 'Journal Items', copy: true },
      invoice_line_ids: { type: 'one2many', relation: 'account.move.line', inverseName: 'move_id', string: 'Invoice lines', copy: false },
      amount_untaxed: { type: 'monetary', string: 'Untaxed Amount', store: true, depends: ['line_ids.price_subtotal'],
        compute: (env, rows) => rows.map((r) => roundTo(moveLines(env, r.id).reduce((s, l) => s + (Number(l.price_subtotal) || 0), 0), 2)) },
      amount_tax: { type: 'monetary', string: 'Tax', store: true, depends: ['line_ids.price_total', 'line_ids.price_subtotal'],
        compute: (env, rows) => rows.map((r) => roundTo(moveLines(env, r.id).reduce((s, l) => s + (Number(l.price_total) || 0) - (Number(l.price_subtotal) || 0), 0), 2)) },
      amount_total: { type: 'monetary', string: 'Total', store: true, depends: ['line_ids.price_total'],
        compute: (env, rows) => rows.map((r) => roundTo(moveLines(env, r.id).reduce((s, l) => s + (Number(l.price_total) || 0), 0), 2)) },
      amount_total_signed: { type: 'monetary', string: 'Total Signed',
        compute: (_env, rows) => rows.map((r) => ((r.move_type === 'out_refund' || r.move_type === 'in_invoice') ? -1 : 1) * (Number(r.amount_total) || 0)) },
      // stored in Odoo (so a payment bumps the invoice's write_date): recomputed on total/state changes and
      // written by refreshPaymentState() when payments change
      amount_residual: { type: 'monetary', string: 'Amount Due', store: true, depends: ['amount_total', 'state'],
        compute: (env, rows) => rows.map((r) => moveResidual(env, r)) },
      amount_residual_signed: { type: 'monetary', string: 'Amount Due Signed',
        compute: (env, rows) => rows.map((r) => ((r.move_type === 'out_refund' || r.move_type === 'in_invoice') ? -1 : 1) * moveResidual(env, r)) },
      payment_state: { type: 'selection', string: 'Payment Status', selection: paymentStates, store: true, depends: ['amount_total', 'state'],
        compute: (env, rows) => rows.map((r) => paymentState(env, r)) },
      reversed_entry_id: { type: 'many2one', relation: 'account.move', string: 'Reversal of', index: true },
      [reversalField]: { type: 'one2many', relation: 'account.move', inverseName: 'reversed_entry_id', string: 'Reversal Move' },
      invoice_payments_count: { type: 'integer', compute: (env, rows) => rows.map((r) => paymentsOf(env, r.id).length) },
    },
    // Odoo's _get_move_display_name
    displayName: (_env, rows) => rows.map((r) => {
      const draft: Record<string, string> = {
        out_invoice: 'Draft Invoice', out_refund: 'Draft Credit Note', in_invoice: 'Draft Bill', in_refund: 'Draft Vendor Credit Note',
        out_receipt: 'Draft Sales Receipt', in_receipt: 'Draft Purchase Receipt', entry: 'Draft Entry',
      };
      const prefix = r.state === 'draft' ? `${draft[String(r.move_type)] ?? 'Draft Entry'} ` : '';
      return `${prefix}${!r.name || r.name === '/' ? `(* ${r.id})` : r.name}`;
    }),
    methods: {
      unlink: {
        kind: 'records', params: [], checkAccess: 'unlink',
        impl: (env, ids) => {
          if (su(env).model('account.move').rows(ids as number[]).some((m) => m.state === 'posted')) {
            throw new UserError('You cannot delete an entry which has been posted once.');
          }
          const orders = ordersOfInvoices(env, ids as number[]);
          env.model('account.move').unlink(ids as number[]);
          refreshOrderStatus(env, orders);
          return true;
        },
      },
      action_post: { kind: 'records', params: [], checkAccess: 'write', impl: (env, ids) => postMoves(env, ids as number[]) },
      button_draft: {
        kind: 'records', params: [], checkAccess: 'write',
        impl: (env, ids) => {
          for (const m of su(env).model('account.move').rows(ids as number[])) {
            if (m.state === 'draft') continue;
            if (paymentsOf(env, m.id).length) throw new UserError('You cannot reset to draft an entry having a payment registered; cancel the payment first.');
          }
          env.model('account.move').write(ids as number[], { state: 'draft' });
          refreshOrderStatus(env, ordersOfInvoices(env, ids as number[]));
          return null;
        },
      },
      button_cancel: {
        kind: 'records', params: [], checkAccess: 'write',
        impl: (env, ids) => {
          if (su(env).model('account.move').rows(ids as number[]).some((m) => m.state === 'posted')) throw new UserError('Only draft journal entries can be cancelled.');
          env.model('account.move').write(ids as number[], { state: 'cancel' });
          refreshOrderStatus(env, ordersOfInvoices(env, ids as number[]));
          return null;
        },
      },
      action_register_payment: {
        kind: 'records', params: [], checkAccess: 'read',
        impl: (_env, ids) => ({
          name: 'Pay', res_model: 'account.payment.register', view_mode: 'form', views: [[false, 'form']], target: 'new', type: 'ir.actions.act_window',
          context: { active_model: 'account.move', active_ids: ids, dont_redirect_to_payments: true },
        }),
      },
      action_reverse: {
        kind: 'records', params: [], checkAccess: 'read',
        impl: (_env, ids) => ({
          name: 'Credit Note', type: 'ir.actions.act_window', res_model: 'account.move.reversal', view_mode: 'form', target: 'new',
          context: { active_model: 'account.move', active_ids: ids },
        }),
      },
    },
  }));

  registry.define(defineModel({
    name: 'account.move.line', description: 'Journal Item', order: 'move_id, sequence, id',
    fields: {
      move_id: { type: 'many2one', relation: 'account.move', string: 'Journal Entry', required: true, ondelete: 'cascade', index: true },
      move_name: { type: 'char', related: 'move_id.name' },
      parent_state: { type: 'selection', related: 'move_id.state', selection: [['draft', 'Draft'], ['posted', 'Posted'], ['cancel', 'Cancelled']] },
      date: { type: 'date', related: 'move_id.date' },
      sequence: { type: 'integer', default: 10 },
      display_type: { type: 'selection', default: 'product',
        selection: [['product', 'Product'], ['cogs', 'Cost of Goods Sold'], ['tax', 'Tax'], ['rounding', 'Rounding'], ['payment_term', 'Payment Term'], ['line_section', 'Section'], ['line_note', 'Note'], ['epd', 'Early Payment Discount']] },
      product_id: { type: 'many2one', relation: 'product.product', string: 'Product' },
      name: { type: 'char', string: 'Label',
        default: (env: Env, vals: Vals) => (vals.product_id ? su(env).model('product.product').displayNames([idOf(vals.product_id) as number])[0] : false) },
      quantity: { type: 'float', default: 1.0, digits: [16, 2] },
      price_unit: { type: 'float', string: 'Unit Price', digits: [16, 2],
        default: (env: Env, vals: Vals) => (vals.product_id ? Number(productTemplate(env, idOf(vals.product_id) as number)?.list_price ?? 0) : 0) },
      discount: { type: 'float', string: 'Discount (%)', default: 0 },
      tax_ids: { type: 'many2many', relation: 'account.tax', string: 'Taxes',
        default: (env: Env, vals: Vals) => (vals.product_id ? idsOf(productTemplate(env, idOf(vals.product_id) as number)?.taxes_id) : []) },
      product_uom_id: { type: 'many2one', relation: 'uom.uom', string: 'Unit',
        default: (env: Env, vals: Vals) => (vals.product_id ? productTemplate(env, idOf(vals.product_id) as number)?.uom_id ?? false : false) },
      price_subtotal: { type: 'monetary', string: 'Subtotal', store: true, depends: ['quantity', 'price_unit', 'discount', 'tax_ids', 'display_type'],
        compute: (env, rows) => rows.map((l) => (l.display_type && l.display_type !== 'product' ? 0 : computeTaxes(env, idsOf(l.tax_ids), Number(l.price_unit) || 0, Number(l.quantity) || 0, Number(l.discount) || 0).subtotal)) },
      price_total: { type: 'monetary', string: 'Total', store: true, depends: ['quantity', 'price_unit', 'discount', 'tax_ids', 'display_type'],
        compute: (env, rows) => rows.map((l) => (l.display_type && l.display_type !== 'product' ? 0 : computeTaxes(env, idsOf(l.tax_ids), Number(l.price_unit) || 0, Number(l.quantity) || 0, Number(l.discount) || 0).total)) },
      partner_id: { type: 'many2one', relation: 'res.partner', related: 'move_id.partner_id' },
      currency_id: { type: 'many2one', relation: 'res.currency', related: 'move_id.currency_id' },
      company_id: { type: 'many2one', relation: 'res.company', related: 'move_id.company_id' },
      journal_id: { type: 'many2one', relation: 'account.journal', related: 'move_id.journal_id' },
      sale_line_ids: { type: 'many2many', relation: 'sale.order.line', string: 'Sales Order Lines', copy: false },
    },
    constraints: [afterSave(['quantity', 'sale_line_ids'], (env, ids) => {
      const moveIds = su(env).model('account.move.line').rows(ids).map((l) => idOf(l.move_id) as number);
      refreshOrderStatus(env, ordersOfInvoices(env, moveIds));
    }), {
      fields: ['quantity', 'price_unit', 'discount', 'tax_ids', 'product_id'],
      check: (env, ids) => {
        const moves = su(env).model('account.move');
        for (const l of su(env).model('account.move.line').rows(ids)) {
          const m = moves.row(idOf(l.move_id) as number);
          if (m && m.state === 'posted' && isInvoice(m)) throw new UserError('You cannot modify a posted entry of this journal.');
        }
      },
    }],
  }));

  registry.define(defineModel({
    name: 'account.payment.method.line', description: 'Payment Methods', order: 'sequence, id',
    fields: {
      name: { type: 'char', required: true },
      sequence: { type: 'integer', default: 10 },
      payment_type: { type: 'selection', required: true, selection: [['inbound', 'Inbound'], ['outbound', 'Outbound']] },
      journal_id: { type: 'many2one', relation: 'account.journal', ondelete: 'cascade' },
    },
  }));

  const paymentStatesSel: SelectionList = version === 17
    ? [['draft', 'Draft'], ['posted', 'Posted'], ['cancel', 'Cancelled']]
    : [['draft', 'Draft'], ['in_process', 'In Process'], ['paid', 'Paid'], ['canceled', 'Canceled'], ['rejected', 'Rejected']];

  const memoField: string = version === 17 ? 'ref' : 'memo';
  registry.define(defineModel({
    name: 'account.payment', description: 'Payments', order: 'date desc, name desc',
    fields: {
      name: { type: 'char', string: 'Number', default: version === 17 ? '/' : false },
      state: { type: 'selection', string: 'Status', required: true, default: 'draft', selection: paymentStatesSel, readonly: true },
      payment_type: { type: 'selection', string: 'Payment Type', required: true, default: 'inbound', selection: [['outbound', 'Send'], ['inbound', 'Receive']] },
      partner_type: { type: 'selection', default: 'customer', selection: [['customer', 'Customer'], ['supplier', 'Vendor']] },
      partner_id: { type: 'many2one', relation: 'res.partner', string: 'Customer/Vendor' },
      amount: { type: 'monetary', default: 0 },
      date: { type: 'date', required: true, default: (env: Env) => env.today() },
      journal_id: { type: 'many2one', relation: 'account.journal', required: true, default: (env: Env) => defaultBankJournal(env) },
      currency_id: { type: 'many2one', relation: 'res.currency', default: (env: Env) => companyCurrency(env) },
      company_id: { type: 'many2one', relation: 'res.company', default: (env: Env) => companyOf(env) },
      payment_method_line_id: { type: 'many2one', relation: 'account.payment.method.line', string: 'Payment Method' },
      [memoField]: { type: 'char', string: 'Memo' },
      reconciled_invoice_ids: { type: 'many2many', relation: 'account.move', string: 'Reconciled Invoices' },
      reconciled_invoices_count: { type: 'integer', compute: (_env, rows) => rows.map((r) => idsOf(r.reconciled_invoice_ids).length) },
      is_reconciled: { type: 'boolean', compute: (_env, rows) => rows.map((r) => idsOf(r.reconciled_invoice_ids).length > 0) },
    },
    methods: {
      action_post: {
        kind: 'records', params: [], checkAccess: 'write',
        impl: (env, ids) => {
          const pays = su(env).model('account.payment');
          const draft = pays.rows(ids as number[]).filter((p) => p.state === 'draft');
          for (const p of draft) {
            const journal = su(env).model('account.journal').row(idOf(p.journal_id) as number);
            const prefix = `P${journal?.code ?? 'BNK1'}/${String(p.date).slice(0, 4)}/`;
            const name = p.name && p.name !== '/' ? p.name : env.nextSequence(`account.payment.${prefix}`, prefix, 5);
            pays.write([p.id], { state: version === 17 ? 'posted' : 'in_process', name });
          }
          syncPaymentStates(env, draft.flatMap((p) => idsOf(p.reconciled_invoice_ids)));
          return null;
        },
      },
      action_cancel: {
        kind: 'records', params: [], checkAccess: 'write',
        impl: (env, ids) => {
          const pays = su(env).model('account.payment');
          pays.write(ids as number[], { state: version === 17 ? 'cancel' : 'canceled' });
          refreshPaymentState(env, pays.rows(ids as number[]).flatMap((p) => idsOf(p.reconciled_invoice_ids)));
          return null;
        },
      },
    },
  }));

  registry.define(defineModel({
    name: 'account.payment.register', description: 'Pay', transient: true,
    fields: {
      line_ids: { type: 'many2many', relation: 'account.move.line', string: 'Journal items',
        default: (env: Env) => {
          const open = checkPayable(env, registerWizardMoves(env));
          const aml = su(env).model('account.move.line');
          return aml.search([['move_id', 'in', open.map((m) => m.id)]]);
        } },
      payment_date: { type: 'date', string: 'Payment Date', required: true, default: (env: Env) => env.today() },
      amount: { type: 'monetary', default: (env: Env) => roundTo(checkPayable(env, registerWizardMoves(env)).reduce((s, m) => s + moveResidual(env, m), 0), 2) },
      communication: { type: 'char', string: 'Memo',
        default: (env: Env) => checkPayable(env, registerWizardMoves(env)).map((m) => m.payment_reference || m.name).join(' ') },
      journal_id: { type: 'many2one', relation: 'account.journal', required: true, default: (env: Env) => defaultBankJournal(env) },
      payment_method_line_id: { type: 'many2one', relation: 'account.payment.method.line', string: 'Payment Method',
        default: (env: Env, vals: Vals) => su(env).model('account.payment.method.line').search([['journal_id', '=', idOf(vals.journal_id)]], { limit: 1 })[0] ?? false },
      payment_type: { type: 'selection', selection: [['outbound', 'Send'], ['inbound', 'Receive']],
        default: (env: Env) => (su(env).model('account.move').rows(registerWizardMoves(env)).some((m) => m.move_type === 'out_refund' || m.move_type === 'in_invoice') ? 'outbound' : 'inbound') },
      partner_type: { type: 'selection', selection: [['customer', 'Customer'], ['supplier', 'Vendor']],
        default: (env: Env) => (su(env).model('account.move').rows(registerWizardMoves(env)).some((m) => String(m.move_type).startsWith('in_')) ? 'supplier' : 'customer') },
      partner_id: { type: 'many2one', relation: 'res.partner',
        default: (env: Env) => commercialPartner(env, idOf(su(env).model('account.move').rows(registerWizardMoves(env))[0]?.partner_id)) },
      currency_id: { type: 'many2one', relation: 'res.currency', default: (env: Env) => companyCurrency(env) },
      company_id: { type: 'many2one', relation: 'res.company', default: (env: Env) => companyOf(env) },
      group_payment: { type: 'boolean', default: false },
      source_amount: { type: 'monetary', compute: (env, rows) => rows.map((r) => wizardResidual(env, r)) },
      payment_difference: { type: 'monetary', compute: (env, rows) => rows.map((r) => roundTo(wizardResidual(env, r) - (Number(r.amount) || 0), 2)) },
      payment_difference_handling: { type: 'selection', default: 'open', selection: [['open', 'Keep open'], ['reconcile', 'Mark as fully paid']] },
      can_edit_wizard: { type: 'boolean', compute: (_env, rows) => rows.map(() => true) },
    },
    methods: {
      action_create_payments: {
        kind: 'records', params: [],
        impl: (env, ids) => {
          const e = su(env);
          const wiz = e.model('account.payment.register').row((ids as number[])[0]) as Row;
          const moveIds = [...new Set(e.model('account.move.line').rows(idsOf(wiz.line_ids)).map((l) => idOf(l.move_id) as number))];
          const open = checkPayable(env, moveIds);
          let left = Number(wiz.amount) || 0;
          if (left <= 0) throw new UserError('The payment amount must be strictly positive.');
          if (wiz.payment_difference_handling === 'reconcile' && !isZero(wizardResidual(env, wiz) - left)) {
            throw new UserError('Writing off a payment difference is not available in this sandbox: keep the difference open.');
          }
          const payments: number[] = [];
          open.forEach((m, i) => {
            const residual = moveResidual(env, m);
            const amount = i === open.length - 1 ? left : Math.min(left, residual);
            left = roundTo(left - amount, 2);
            if (amount > 0) payments.push(registerPayment(env, m.id, amount, {
              date: String(wiz.payment_date), journalId: idOf(wiz.journal_id), memo: String(wiz.communication || m.name),
            }));
          });
          if (payments.length === 1) {
            return { name: 'Payments', type: 'ir.actions.act_window', res_model: 'account.payment', context: { create: false }, view_mode: 'form', res_id: payments[0] };
          }
          return { name: 'Payments', type: 'ir.actions.act_window', res_model: 'account.payment', context: { create: false }, view_mode: version === 17 ? 'tree,form' : 'list,form', domain: [['id', 'in', payments]] };
        },
      },
    },
  }));

  registry.define(defineModel({
    name: 'account.move.reversal', description: 'Account move reversal', transient: true,
    fields: {
      move_ids: { type: 'many2many', relation: 'account.move',
        default: (env: Env) => (env.context.active_model === 'account.move' ? idsOf(env.context.active_ids) : []) },
      new_move_ids: { type: 'many2many', relation: 'account.move' },
      date: { type: 'date', string: 'Reversal date', default: (env: Env) => env.today() },
      reason: { type: 'char', string: 'Reason displayed on Credit Note' },
      journal_id: { type: 'many2one', relation: 'account.journal', string: 'Journal', required: true },
      company_id: { type: 'many2one', relation: 'res.company', default: (env: Env) => companyOf(env) },
      currency_id: { type: 'many2one', relation: 'res.currency', default: (env: Env) => companyCurrency(env) },
      residual: { type: 'monetary', compute: (env, rows) => rows.map((r) => roundTo(su(env).model('account.move').rows(idsOf(r.move_ids)).reduce((s, m) => s + moveResidual(env, m), 0), 2)) },
      move_type: { type: 'char', compute: (env, rows) => rows.map((r) => su(env).model('account.move').rows(idsOf(r.move_ids))[0]?.move_type ?? false) },
    },
    methods: {
      refund_moves: {
        kind: 'records', params: [],
        impl: (env, ids) => {
          const created = reverseMoves(env, (ids as number[])[0]);
          if (created.length === 1) {
            const type = su(env).model('account.move').row(created[0])?.move_type;
            return { name: 'Reverse Moves', type: 'ir.actions.act_window', res_model: 'account.move', view_mode: 'form', res_id: created[0], context: { default_move_type: type } };
          }
          return { name: 'Reverse Moves', type: 'ir.actions.act_window', res_model: 'account.move', view_mode: version === 17 ? 'tree,form' : 'list,form', domain: [['id', 'in', created]] };
        },
      },
    },
  }));

  // the company's default sale tax, the partner's receivable and terms
  registry.extend('res.company', {
    fields: {
      account_sale_tax_id: { type: 'many2one', relation: 'account.tax', string: 'Default Sale Tax' },
    },
  });
  registry.extend('res.partner', {
    fields: {
      credit: {
        type: 'monetary', string: 'Total Receivable', groups: 'account.group_account_invoice,account.group_account_readonly',
        compute: (env, rows) => rows.map((r) => partnerCredit(env, r.id)),
      },
      credit_limit: { type: 'float', string: 'Credit Limit', default: 0, groups: 'account.group_account_invoice,account.group_account_readonly' },
      use_partner_credit_limit: {
        type: 'boolean', string: 'Partner Limit', groups: 'account.group_account_invoice,account.group_account_readonly',
        compute: (_env, rows) => rows.map((r) => (Number(r.credit_limit) || 0) > 0),
        inverse: (env, ids, value) => { if (!value) su(env).model('res.partner').write(ids, { credit_limit: 0 }); },
      },
      property_payment_term_id: { type: 'many2one', relation: 'account.payment.term', string: 'Customer Payment Terms' },
      customer_rank: { type: 'integer', default: 0 },
      supplier_rank: { type: 'integer', default: 0 },
      invoice_ids: { type: 'one2many', relation: 'account.move', inverseName: 'partner_id', string: 'Invoices' },
      total_invoiced: {
        type: 'monetary', string: 'Total Invoiced', groups: 'account.group_account_invoice,account.group_account_readonly',
        compute: (env, rows) => rows.map((r) => {
          const moves = su(env).model('account.move');
          return roundTo(moves.rows(moves.search([['state', '=', 'posted'], ['move_type', 'in', ['out_invoice', 'out_refund']]]))
            .filter((m) => commercialPartner(env, idOf(m.partner_id)) === r.id)
            .reduce((s, m) => s + (m.move_type === 'out_refund' ? -1 : 1) * (Number(m.amount_untaxed) || 0), 0), 2);
        }),
      },
    },
  });

  for (const m of ['account.move', 'account.move.line', 'account.payment']) {
    registry.grant(m, GROUPS.accountInvoice, 'rwcu');
    registry.grant(m, GROUPS.accountReadonly, 'r');
    registry.grant(m, GROUPS.accountManager, 'rwcu');
    registry.grant(m, GROUPS.system, 'rwcu');
    registry.grant(m, GROUPS.integration, 'r');
    registry.grant(m, GROUPS.saleSalesman, 'r');
  }
  for (const m of ['account.tax', 'account.journal', 'account.payment.term', 'account.payment.term.line', 'account.payment.method.line']) {
    registry.grant(m, GROUPS.user, 'r');
    registry.grant(m, GROUPS.accountManager, 'rwcu');
    registry.grant(m, GROUPS.system, 'rwcu');
  }
  for (const m of ['account.payment.register', 'account.move.reversal']) {
    registry.grant(m, GROUPS.accountInvoice, 'rwcu');
    registry.grant(m, GROUPS.system, 'rwcu');
  }
};

function wizardResidual(env: Env, wiz: Row): number {
  const moveIds = [...new Set(su(env).model('account.move.line').rows(idsOf(wiz.line_ids)).map((l) => idOf(l.move_id) as number))];
  return roundTo(su(env).model('account.move').rows(moveIds).reduce((s, m) => s + moveResidual(env, m), 0), 2);
}
