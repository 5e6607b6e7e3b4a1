/**
 * The distribution modules in dependency order (product, account, stock, sale). Register after the
 * base module (res.partner, res.company, res.users...), which they extend.
 */
import { GROUPS, type ModuleRegistrar } from '../orm/schema';
import { registerProduct } from './product';
import { registerAccount } from './account';
import { registerStock } from './stock';
import { registerSale } from './sale';

export { registerProduct, registerAccount, registerStock, registerSale };

/** The application groups the distribution modules use (the admin user gets every registered group). */
export const registerDistributionGroups: ModuleRegistrar = (registry) => {
  const groups: Array<[string, string, string[]]> = [
    [GROUPS.saleSalesman, 'Sales / User: Own Documents Only', [GROUPS.user]],
    [GROUPS.saleManager, 'Sales / Administrator', [GROUPS.saleSalesman]],
    [GROUPS.stockUser, 'Inventory / User', [GROUPS.user]],
    [GROUPS.stockManager, 'Inventory / Administrator', [GROUPS.stockUser]],
    [GROUPS.accountReadonly, 'Invoicing / Read-only', [GROUPS.user]],
    [GROUPS.accountInvoice, 'Invoicing / Billing', [GROUPS.user]],
    [GROUPS.accountManager, 'Invoicing / Billing Administrator', [GROUPS.accountInvoice]],
    ['product.group_product_pricelist', 'Technical / Basic Pricelists', []],
  ];
  for (const [xmlid, name, implied] of groups) registry.defineGroup({ xmlid, name, implied });
};

export const DISTRIBUTION_MODULES: ModuleRegistrar[] = [registerDistributionGroups, registerProduct, registerAccount, registerStock, registerSale];

export const registerDistribution: ModuleRegistrar = (registry, version) => {
  for (const m of DISTRIBUTION_MODULES) m(registry, version);
};
