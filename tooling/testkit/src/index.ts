export { GATEWAY_MAIN, startGateway } from "./start-gateway.ts";
export type { LogLine, StartGatewayOptions, StartedGateway } from "./start-gateway.ts";
export { runGatewayCli } from "./run-gateway-cli.ts";
export type { CliResult } from "./run-gateway-cli.ts";
export { rawRequest } from "./raw-request.ts";
export type { RawResponse } from "./raw-request.ts";
