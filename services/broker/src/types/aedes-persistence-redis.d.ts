// aedes-persistence-redis 11.x ships no type declarations; this covers what the broker uses.
declare module 'aedes-persistence-redis' {
  interface RedisPersistenceOptions {
    host?: string;
    port?: number;
    username?: string;
    password?: string;
    db?: number;
    tls?: object;
    /** offline messages delivered at most on CONNECT (default 1000) */
    maxSessionDelivery?: number;
    /** seconds an offline message is kept; 0 = forever */
    packetTTL?: (packet: unknown) => number;
    [option: string]: unknown;
  }
  interface RedisPersistence {
    setup(broker: unknown): Promise<void>;
    destroy(): Promise<void>;
  }
  function aedesPersistenceRedis(options?: RedisPersistenceOptions): RedisPersistence;
  export = aedesPersistenceRedis;
}
