/**
 * Runs async jobs one at a time, in call order. One DuckDB connection must not interleave an
 * appender, a transaction and a query from concurrent callers.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    // the queue continues whether the job succeeded or failed
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
