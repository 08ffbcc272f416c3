export * from './components.ts';
export { startInfluxd, stopInfluxd, restartInfluxd, freeLocalPort, InfluxdStartError, type InfluxdHandle, type StartInfluxdOptions } from './influxd.ts';
export * from './postgres.ts';
export { makeTestCertificates, type TestCertificates } from './tls.ts';
