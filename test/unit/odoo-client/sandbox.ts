/** Starts the Odoo sandbox (in-process, ephemeral port) for the client and node tests. */
import { startOdooSandbox, OdooSandbox } from '../../../sandbox/odoo/server';
import type { OdooVersion } from '../../../sandbox/odoo/types';

export async function startTestSandbox(version: OdooVersion = 19): Promise<OdooSandbox> {
  return startOdooSandbox({ port: 0, version, quiet: true });
}

/** The sandbox's integration user (or the first user). */
export function integrationUser(s: OdooSandbox) {
  return s.users.find((u) => u.login === 'integration') ?? s.users[0];
}
