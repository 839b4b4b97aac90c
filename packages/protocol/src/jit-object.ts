import * as z from "zod/mini";
import * as core from "zod/v4/core";

/**
 * zod/mini's object, parsed the way classic zod's is: `z.object` of zod/mini never compiles its parser,
 * classic's compiles one (`new Function`, core's `$ZodObjectJIT`) that checks a frame's fields in a
 * straight line. Without it the `call` and `result` frames cost ~20% of the pipelined throughput
 * (`pnpm bench ipc`). Same checks, issues and messages as `z.object`; jitless parses stay uncompiled.
 */
type Init = (inst: z.ZodMiniObject, def: core.$ZodObjectDef) => void;
const initJitObject: Init = core.$ZodObjectJIT.init;
const initMiniType: Init = z.ZodMiniType.init;
const ZodMiniJitObject = core.$constructor("LoomZodMiniJitObject", (inst: z.ZodMiniObject, def: core.$ZodObjectDef) => {
  initJitObject(inst, def);
  initMiniType(inst, def);
});

/** `z.object(shape)` of zod/mini (unknown keys dropped), with classic zod's compiled parser. */
export function jitObject<const Shape extends core.$ZodLooseShape>(shape: Shape): z.ZodMiniObject<Shape, core.$strip> {
  return new ZodMiniJitObject({ type: "object", shape }) as unknown as z.ZodMiniObject<Shape, core.$strip>;
}
