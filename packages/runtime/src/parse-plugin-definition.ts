import { ErrorCode, LoomError } from "@loom/protocol";
import type { PluginDefinition } from "@loom/sdk";
import * as z from "zod";

const ModuleShapeSchema = z.looseObject({
  id: z.string().describe("dotted module ID"),
  configSchema: z.custom<z.ZodType>((value) => value instanceof z.ZodType, { message: "must be a zod schema (use z from @loom/sdk)" }),
  create: z.custom<(...args: unknown[]) => unknown>((value) => typeof value === "function", { message: "must be a function" }),
});

/** The shape a plugin module's `plugin` export must have. */
export const PluginShapeSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  modules: z.array(ModuleShapeSchema),
});

/**
 * Checks that a value loaded from a plugin package is a plugin definition (what `definePlugin` returns);
 * `where` names the file for the error.
 */
export function parsePluginDefinition(value: unknown, where: string): PluginDefinition {
  const parsed = PluginShapeSchema.safeParse(value);
  if (parsed.success) return value as PluginDefinition;
  throw LoomError.fromDiagnostics(
    ErrorCode.MODULE_DEFINITION_INVALID,
    `${where} does not export a valid plugin:`,
    parsed.error.issues.map((issue) => ({
      code: ErrorCode.MODULE_DEFINITION_INVALID,
      file: where,
      path: issue.path.length > 0 ? `plugin.${issue.path.join(".")}` : "plugin",
      message: issue.message,
      hint: "export const plugin = definePlugin({ name, version, modules }) from the package's entry",
    })),
  );
}
