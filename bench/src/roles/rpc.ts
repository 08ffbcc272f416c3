/** The child side of child.ts: named handlers answer the parent's calls; 'exit' runs cleanup and ends the process. */
export type Handlers = Record<string, (args: never) => unknown>;

export function serve(handlers: Handlers, cleanup: () => Promise<void>): void {
  process.on('message', (raw: unknown) => {
    const { id, name, args } = raw as { id: number; name: string; args: unknown };
    if (name === 'exit') {
      cleanup()
        .catch((err: unknown) => process.stderr.write(`cleanup failed: ${String(err)}\n`))
        .finally(() => process.exit(0));
      return;
    }
    const handler = handlers[name];
    if (!handler) {
      process.send?.({ id, ok: false, error: `no handler named ${name}` });
      return;
    }
    Promise.resolve()
      .then(() => (handler as (a: unknown) => unknown)(args))
      .then(
        (result) => process.send?.({ id, ok: true, result }),
        (err: unknown) => process.send?.({ id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
  });
  // the parent went away: nothing will stop us otherwise
  process.on('disconnect', () => {
    void cleanup().finally(() => process.exit(1));
  });
  process.send?.({ type: 'ready' });
}
