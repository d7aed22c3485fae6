export { DockerContainerRuntime, type DockerRuntimeOptions } from './runtime';
export { connectToEngine, type Connection } from './connect';
export { endpointCandidates, processDiscoveryEnv, type DiscoveryEnv, type EndpointCandidate } from './endpoints';
export { EgressProxy, MACHINE_IO, type EgressLogEntry, type EgressProxyIo } from './egress-proxy';
export { DEFAULT_EGRESS_PORTS, blockedReason, checkDestination, nameMatches, parseAllowEntry, type DestinationIo, type EgressAllowEntry, type EgressVerdict } from './egress-destination';
export { readDevcontainer } from './devcontainer-file';
export { LABEL_CONFIG, LABEL_OWNER, LABEL_RUN, LABEL_SESSION } from './labels';
