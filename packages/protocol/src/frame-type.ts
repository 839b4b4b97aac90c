/**
 * Protocol v1's frame types: the `u8 type` of every frame, by message name. A receiver that meets a
 * code not listed here fails the connection with PROTOCOL_ERROR (docs/protocol.md, "Message types").
 */
export const FrameType = {
  handshake: 0x01,
  error: 0x02,
  shutdown: 0x03,
  health: 0x04,
  "health-ok": 0x05,
  create: 0x06,
  created: 0x07,
  destroy: 0x08,
  call: 0x09,
  result: 0x0a,
  cancel: 0x0b,
} as const;

export type FrameTypeName = keyof typeof FrameType;

/** Which side sends each frame type; `error` travels both ways. */
export const FRAME_SENDER: Readonly<Record<FrameTypeName, "host" | "plugin" | "both">> = {
  handshake: "plugin",
  error: "both",
  shutdown: "host",
  health: "host",
  "health-ok": "plugin",
  create: "host",
  created: "plugin",
  destroy: "host",
  call: "host",
  result: "plugin",
  cancel: "host",
};

const NAMES: readonly (FrameTypeName | undefined)[] = (() => {
  const names: (FrameTypeName | undefined)[] = [];
  for (const [name, code] of Object.entries(FrameType)) names[code] = name as FrameTypeName;
  return names;
})();

/** The name of a frame type code, or undefined for a code protocol v1 does not define. */
export function frameTypeName(code: number): FrameTypeName | undefined {
  return NAMES[code];
}
