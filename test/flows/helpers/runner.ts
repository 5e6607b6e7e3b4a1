/**
 * Child-process entry of the end-to-end harness: one embedded Node-RED (dist/scripts/stack.js, so the
 * package is loaded exactly as `npm start` loads it) with the given flow files, talking to sandboxes
 * that run in the test process. Prints one line `READY {"url":...}` when deployed; stops on SIGTERM.
 *
 *   E2E_PORT, E2E_USER_DIR, E2E_FLOWS (comma-separated absolute paths)
 */
import path from 'path';

interface StackModule {
  startStack(opts: Record<string, unknown>): Promise<{ url: string; stop(): Promise<void> }>;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..', '..');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { startStack } = require(path.join(root, 'dist', 'scripts', 'stack.js')) as StackModule;
  const stack = await startStack({
    port: Number(process.env.E2E_PORT ?? 0),
    userDir: process.env.E2E_USER_DIR,
    flows: (process.env.E2E_FLOWS ?? '').split(',').filter(Boolean),
    sandbox: false,
    quiet: true,
    logLevel: process.env.E2E_LOG_LEVEL ?? 'warn',
  });
  process.stdout.write(`READY ${JSON.stringify({ url: stack.url })}\n`);
  const stop = async () => {
    await stack.stop().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`runner failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
