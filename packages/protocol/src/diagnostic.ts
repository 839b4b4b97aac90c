import * as z from "zod";

/**
 * One problem found while checking a config, manifest or plugin. Problems are collected into a list and
 * reported together (as esbuild reports every error of a build at once).
 */
export const DiagnosticSchema = z
  .object({
    code: z.string().describe("An ErrorCode naming the kind of problem."),
    message: z.string().describe("What is wrong, in one sentence."),
    file: z.string().optional().describe("The file the problem is in."),
    path: z.string().optional().describe("The JSON path of the offending value, e.g. routes[0].handle.root."),
    line: z.number().int().positive().optional().describe("1-based line in the file, where known."),
    module: z.string().optional().describe("The module ID involved."),
    plugin: z.string().optional().describe("The plugin involved."),
    hint: z.string().optional().describe("How to fix it."),
  })
  .strict();

export type Diagnostic = z.infer<typeof DiagnosticSchema>;
