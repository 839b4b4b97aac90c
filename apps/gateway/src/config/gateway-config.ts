import { PluginLimitsSchema } from "@loom/runtime";
import * as z from "zod";
import { isLoopbackHost, ListenAddressSchema } from "./listen-address.ts";
import { RouteSchema } from "./route-schema.ts";

export const LimitsSchema = z
  .strictObject({
    maxBodyBytes: z.number().int().min(0).default(1_048_576).describe("Largest request body accepted; larger ones get 413."),
    maxHeaderBytes: z.number().int().min(1024).default(16_384).describe("Largest request head accepted; larger ones get 431."),
    headersTimeoutMs: z.number().int().positive().default(10_000).describe("Time allowed to receive a request's headers."),
    requestTimeoutMs: z.number().int().positive().default(30_000).describe("Time allowed to receive a whole request."),
  })
  .describe("Request limits.");

export const AdminSchema = z
  .strictObject({
    listen: ListenAddressSchema.refine((a) => isLoopbackHost(a.host), {
      message: "the admin API listens on loopback only: use 127.0.0.1, [::1] or localhost",
    }),
  })
  .describe("The admin API (GET /config, POST /load, GET /plugins), bound to loopback only.");

export const GatewayConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema for editors; ignored by the gateway."),
    listen: ListenAddressSchema.prefault(":8080"),
    admin: z
      .union([AdminSchema, z.literal(false)])
      .prefault({ listen: "127.0.0.1:2019" })
      .describe("The admin API settings, or false to turn it off."),
    limits: LimitsSchema.prefault({}),
    shutdownTimeoutMs: z
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe("On SIGTERM/SIGINT or reload, how long in-flight requests may take before connections are closed."),
    logging: z
      .strictObject({
        level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info").describe("Log level."),
        access: z
          .boolean()
          .default(false)
          .describe("Write one access-log line per request (at info). Off by default, as in Caddy: it costs about a fifth of peak throughput."),
      })
      .prefault({})
      .describe("Logging."),
    plugins: z
      .strictObject({
        dirs: z
          .array(z.string().min(1))
          .default(["./plugins.d"])
          .describe(
            "Folders holding out-of-tree plugins, one sub-folder with a plugin.json each; relative to the config file's folder. A module the config names that no bundled plugin provides is looked up here. A missing folder holds no plugins.",
          ),
        limits: z
          .record(z.string().min(1), PluginLimitsSchema)
          .default({})
          .describe(
            "The operator's limits per out-of-tree plugin, keyed by its plugin.json `name`, e.g. { \"python-hello\": { \"callTimeoutMs\": 2000, \"processes\": 4 } }. Each key set here wins over the same key of the plugin's plugin.json `subprocess`. A reload that changes a plugin's limits restarts that plugin; unchanged limits keep its processes. A name that no plugin dir provides is a warning in the log, not an error: a config shared between machines may set limits for a plugin that is not installed on this one.",
          ),
      })
      .prefault({})
      .describe("Out-of-tree (subprocess) plugins; `--plugin-dir DIR` on run and validate adds folders."),
    routes: z.array(RouteSchema).default([]).describe("Routes, tried in order; a request no route takes gets 404."),
  })
  .describe("Loom gateway config.");

export type GatewayConfig = z.output<typeof GatewayConfigSchema>;
