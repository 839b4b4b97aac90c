export { ErrorCode } from "./error-codes.ts";
export { LoomError, isLoomError } from "./loom-error.ts";
export type { LoomErrorData } from "./loom-error.ts";
export { DiagnosticSchema, formatDiagnostic } from "./diagnostic.ts";
export type { Diagnostic } from "./diagnostic.ts";
export {
  BodyStreamSchema,
  BytesSchema,
  HeaderValueSchema,
  HeadersSchema,
  HttpRequestSchema,
  HttpResponseSchema,
} from "./http-values.ts";
export type { BodyStream, Headers, HttpRequest, HttpResponse } from "./http-values.ts";
export { DistributionManifestSchema, PlacementSchema, PluginEntrySchema, PluginRefSchema } from "./distribution-manifest.ts";
export type { DistributionManifest, Placement, PluginRef } from "./distribution-manifest.ts";
export { resolvePluginRef } from "./resolve-plugin-ref.ts";
export type { ResolvedPluginRef } from "./resolve-plugin-ref.ts";
export { didYouMean } from "./did-you-mean.ts";
export { parseJsonText } from "./parse-json-text.ts";
export { PackageJsonSchema, packageEntry } from "./package-json.ts";
export type { PackageJson } from "./package-json.ts";
