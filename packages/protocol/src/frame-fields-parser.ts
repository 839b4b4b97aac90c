import * as z from "zod/mini";
import { MAX_U32 } from "./frame-layout.ts";
import { frameMessageSchema } from "./frame-message.ts";
import type { FrameTypeName } from "./frame-type.ts";

/**
 * How a frame of one type is checked once its header is read: its message schema without `type` and
 * `id` (z.omit: the very field schemas of frameMessageSchema), for the JSON fields alone, and whether a
 * header id is one the message schema accepts. The header's `type` is the frame's own and its `id` a u32,
 * so checking both again in every frame's zod parse (an int with two bounds, a literal) was about half of
 * the schema's work for a `result`. `fields` is undefined where the schema has checks across fields (the
 * handshake): such a type is parsed whole.
 */
export interface FrameFieldsParser {
  readonly fields: z.ZodMiniObject | undefined;
  acceptsId(id: number): boolean;
}

const parsers = new Map<FrameTypeName, FrameFieldsParser>();

/** The parser of a frame type, built on first use from its message schema. */
export function frameFieldsParser(type: FrameTypeName): FrameFieldsParser {
  let parser = parsers.get(type);
  if (parser === undefined) parsers.set(type, (parser = buildParser(type)));
  return parser;
}

function buildParser(type: FrameTypeName): FrameFieldsParser {
  const schema = frameMessageSchema(type) as unknown as z.ZodMiniObject<{ id: z.ZodMiniType }>;
  const idSchema = schema.def.shape.id;
  // Every id schema of protocol v1 is one range of integers: 0 only, 1 to 2³²−1, or 0 to 2³²−1.
  // Probing its ends tells which (frame-fields-parser.test.ts holds it to the schema for any u32).
  const [zero, one, max] = [0, 1, MAX_U32].map((id) => idSchema.safeParse(id).success);
  const fields = (schema.def.checks ?? []).length === 0 ? z.omit(schema, { type: true, id: true } as never) : undefined;
  return { fields: fields as z.ZodMiniObject | undefined, acceptsId: (id) => (id === 0 ? zero! : id === MAX_U32 ? max! : one!) };
}
