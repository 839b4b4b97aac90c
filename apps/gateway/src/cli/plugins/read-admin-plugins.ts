import * as z from "zod";

export const PluginRowSchema = z.object({
  name: z.string(),
  version: z.string(),
  placement: z.enum(["bundled", "subprocess", "exec"]),
  modules: z.array(z.string()),
  pids: z.array(z.number()).optional(),
  state: z.string().optional(),
  restarts: z.number().optional(),
  calls: z.number().optional(),
  errors: z.number().optional(),
  latencyMs: z.object({ p50: z.number(), p99: z.number() }).optional(),
});
export type PluginRow = z.infer<typeof PluginRowSchema>;

/** Why the admin API could not be read: `unreachable` when nothing answers at the address. */
export class AdminUnreachable extends Error {
  override readonly name = "AdminUnreachable";
}

const TIMEOUT_MS = 5_000;

/** Reads GET /plugins of the admin API at `baseUrl`; throws AdminUnreachable when nothing answers. */
export async function readAdminPlugins(baseUrl: string): Promise<PluginRow[]> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/plugins`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new AdminUnreachable(cause?.code ?? (error as Error).message, { cause: error });
  }
  if (!response.ok) throw new Error(`${baseUrl}/plugins answered ${response.status}: ${await response.text()}`);
  return z.array(PluginRowSchema).parse(await response.json());
}
