export { DockerContainerRuntime, type DockerRuntimeOptions } from './runtime';
export { connectToEngine, type Connection } from './connect';
export { endpointCandidates, processDiscoveryEnv, type DiscoveryEnv, type EndpointCandidate } from './endpoints';
export { EgressProxy, hostAllowed, type EgressLogEntry } from './egress-proxy';
export { readDevcontainer } from './devcontainer-file';
export { LABEL_CONFIG, LABEL_OWNER, LABEL_RUN, LABEL_SESSION } from './labels';
