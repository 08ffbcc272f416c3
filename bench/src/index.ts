export { runSuite, SCENARIOS, type Scenario, type SuiteOptions, type SuiteResults } from './suite.ts';
export { brokerCeiling, storageCeiling, pipeline, type LoadOptions, type ThroughputRow } from './scenarios/throughput.ts';
export { runPeers, type PeersResult } from './scenarios/peers.ts';
export { runConnections, type ConnectionsOptions, type ConnectionsResult } from './scenarios/connections.ts';
export { runOverload, type OverloadOptions, type OverloadResult } from './scenarios/overload.ts';
export { machine, table, writeSection } from './report.ts';
