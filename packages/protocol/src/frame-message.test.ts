import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { FRAME_MESSAGE_TYPES, frameMessageSchema, frameMessageUnionSchema } from "./frame-message.ts";
import { FrameType } from "./frame-type.ts";
import { handshakeMessageSchema } from "./handshake-message.ts";

const problems = (schema: z.ZodMiniType, value: unknown) =>
  schema.safeParse(value).error?.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);

const handshake = {
  type: "handshake",
  id: 0,
  protocolVersions: [1],
  protocolVersion: 1,
  nonce: "0123456789abcdef0123456789abcdef",
  plugin: { name: "@acme/plugin-echo", version: "1.2.3" },
  capabilities: ["cancel"],
  maxFrameBytes: 1024 * 1024,
  maxConcurrentCalls: 8,
  modules: [{ id: "http.handlers.echo", methods: ["handle"], description: "Echoes the request." }],
};

describe("message schemas", () => {
  it("has one schema per frame type, and the union picks it by type", () => {
    expect([...FRAME_MESSAGE_TYPES].sort()).toEqual(Object.keys(FrameType).sort());
    expect(frameMessageUnionSchema().parse({ type: "health", id: 3 })).toEqual({ type: "health", id: 3 });
    expect(problems(frameMessageUnionSchema(), { type: "hello", id: 1 })?.[0]).toMatch(/^type: Invalid discriminator value/);
  });

  it("handshake: takes a full handshake; the chosen version must be one of the plugin's", () => {
    expect(handshakeMessageSchema().parse(handshake)).toEqual(handshake);
    expect(frameMessageUnionSchema().parse(handshake)).toEqual(handshake);
    expect(problems(frameMessageUnionSchema(), { ...handshake, protocolVersion: 2 })).toEqual(["protocolVersion: must be one of protocolVersions"]);
    expect(problems(handshakeMessageSchema(), { ...handshake, protocolVersion: 2 })).toEqual(["protocolVersion: must be one of protocolVersions"]);
    expect(problems(handshakeMessageSchema(), { ...handshake, id: 4 })).toEqual(["id: Invalid input: expected 0"]);
    expect(problems(handshakeMessageSchema(), { ...handshake, maxFrameBytes: 1000 })).toEqual([
      "maxFrameBytes: Too small: expected number to be >=65536",
    ]);
    expect(problems(handshakeMessageSchema(), { ...handshake, modules: [{ id: "x" }] })).toEqual([
      "modules.0.methods: Invalid input: expected array, received undefined",
    ]);
  });

  it("ignores unknown fields (forward compatibility) instead of refusing them", () => {
    expect(handshakeMessageSchema().parse({ ...handshake, futureField: true })).not.toHaveProperty("futureField");
    expect(frameMessageSchema("health").parse({ type: "health", id: 1, extra: 1 })).toEqual({ type: "health", id: 1 });
  });

  it("error: a code and a message, optional data; id 0 for the connection", () => {
    const error = { type: "error", id: 0, code: "PROTOCOL_VERSION_MISMATCH", message: "no common version", data: { host: [2], plugin: [1] } };
    expect(frameMessageSchema("error").parse(error)).toEqual(error);
    expect(problems(frameMessageSchema("error"), { type: "error", id: 5, message: "x" })).toEqual(["code: Invalid input: expected string, received undefined"]);
  });

  it("shutdown: id 0 and a deadline in milliseconds", () => {
    expect(frameMessageSchema("shutdown").parse({ type: "shutdown", id: 0, deadlineMs: 5000 }).deadlineMs).toBe(5000);
    expect(problems(frameMessageSchema("shutdown"), { type: "shutdown", id: 0, deadlineMs: 0 })).toEqual(["deadlineMs: Too small: expected number to be >=1"]);
  });

  it("health and health-ok: request ids from 1 to 2^32-1", () => {
    expect(frameMessageSchema("health-ok").parse({ type: "health-ok", id: 2 ** 32 - 1, inFlight: 3 }).inFlight).toBe(3);
    expect(problems(frameMessageSchema("health"), { type: "health", id: 0 })).toEqual(["id: Too small: expected number to be >=1"]);
    expect(problems(frameMessageSchema("health"), { type: "health", id: 2 ** 32 })).toEqual(["id: Too big: expected number to be <=4294967295"]);
  });

  it("create, created, destroy: module ID and config in, instance id out", () => {
    const create = { type: "create", id: 1, module: "http.handlers.echo", config: { prefix: "/x" }, path: "routes[0].handle" };
    expect(frameMessageSchema("create").parse(create)).toEqual(create);
    expect(problems(frameMessageSchema("create"), { type: "create", id: 1, module: "" })).toEqual([
      "module: Too small: expected string to have >=1 characters",
      "config: Invalid input: expected nonoptional, received undefined",
    ]);
    expect(frameMessageSchema("created").parse({ type: "created", id: 1, instance: "i1" }).instance).toBe("i1");
    expect(problems(frameMessageSchema("destroy"), { type: "destroy", id: 2 })).toEqual(["instance: Invalid input: expected string, received undefined"]);
  });

  it("call: instance, method, args (bytes allowed) and a deadline; result and cancel by id", () => {
    const call = { type: "call", id: 9, instance: "i1", method: "handle", args: [{ body: new Uint8Array([1, 2]) }], deadlineMs: 30_000 };
    expect(frameMessageSchema("call").parse(call)).toEqual(call);
    expect(problems(frameMessageSchema("call"), { ...call, args: "x", deadlineMs: 1.5 })).toEqual([
      "args: Invalid input: expected array, received string",
      "deadlineMs: Invalid input: expected int, received number",
    ]);
    expect(frameMessageSchema("result").parse({ type: "result", id: 9 })).toEqual({ type: "result", id: 9 });
    expect(frameMessageSchema("result").parse({ type: "result", id: 9, value: null })).toEqual({ type: "result", id: 9, value: null });
    expect(frameMessageSchema("cancel").parse({ type: "cancel", id: 9, reason: "deadline" }).reason).toBe("deadline");
  });

  it("documents every field in zod's registry, so a JSON Schema of a message describes its fields", () => {
    const schema = z.toJSONSchema(frameMessageSchema("call")) as { properties: Record<string, { description?: string }> };
    expect(schema.properties.method!.description).toBe("A method of the module's interface, or provision/validate/start/stop/cleanup.");
    expect(schema.properties.instance!.description).toBe("An instance id the plugin returned in `created`.");
    const handshake = z.toJSONSchema(handshakeMessageSchema()) as { properties: Record<string, { description?: string; items?: { description?: string } }> };
    expect(handshake.properties.protocolVersion!.description).toBe("The chosen version: the highest one both sides speak.");
    expect(handshake.properties.protocolVersions!.items?.description).toBeUndefined();
  });
});
