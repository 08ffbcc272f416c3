/** A listener could not bind because its port is taken; the message names the variable to set. */
export class PortInUseError extends Error {
  constructor(
    readonly listener: 'MQTT' | 'MQTT over WebSocket' | 'MQTT over TLS',
    readonly port: number,
    readonly envVar: string,
  ) {
    super(`${listener} port ${port} is already in use (set ${envVar} to a free port)`);
    this.name = 'PortInUseError';
  }
}

/** A listener could not bind for another reason (permission, unknown host, ...). */
export class ListenError extends Error {
  constructor(
    readonly listener: 'MQTT' | 'MQTT over WebSocket' | 'MQTT over TLS',
    readonly port: number,
    readonly envVar: string,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(`${listener} listener could not bind port ${port} (${code ?? 'unknown error'}: ${cause instanceof Error ? cause.message : String(cause)}); check ${envVar} and HOST`, { cause });
    this.name = 'ListenError';
  }
}

/** Broker options were invalid: one line per problem, each naming the option and what to do. */
export class BrokerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid broker options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'BrokerConfigError';
  }
}

/** Redis (for multi-node sessions) was configured but could not be reached. */
export class RedisUnavailableError extends Error {
  constructor(readonly address: string, reason: string) {
    super(`cannot reach Redis at ${address} (${reason}); start Redis or fix REDIS_URL, or unset it to run a single node`);
    this.name = 'RedisUnavailableError';
  }
}
