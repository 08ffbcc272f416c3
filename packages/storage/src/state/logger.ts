/** The slice of a pino logger the drivers use; pass the service's pino instance. */
export interface StateLogger {
  warn(obj: object, msg: string): void;
}

/** Used when no logger is given: one JSON line on stderr, the shape pino writes. */
export const stderrLogger: StateLogger = {
  warn(obj, msg) {
    process.stderr.write(`${JSON.stringify({ level: 40, time: Date.now(), name: 'state-store', ...obj, msg })}\n`);
  },
};
