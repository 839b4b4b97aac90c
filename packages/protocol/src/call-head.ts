import { utf8Encoder } from "./utf8-coders.ts";

/**
 * `{"instance":…,"method":…,"args":` as UTF-8, by instance and method: the same bytes start every call
 * to them, so a call costs neither their JSON.stringify nor their encoding (together about a quarter of
 * encoding a small call). A host calls few instances and methods; past CALL_HEADS_MAX the cache starts over.
 */
const callHeads = new Map<string, Map<string, Uint8Array>>();
let callHeadCount = 0;
const CALL_HEADS_MAX = 1024;

export function callHead(instance: string, method: string): Uint8Array {
  let methods = callHeads.get(instance);
  const cached = methods?.get(method);
  if (cached !== undefined) return cached;
  if (callHeadCount >= CALL_HEADS_MAX) {
    callHeads.clear();
    callHeadCount = 0;
    methods = undefined;
  }
  if (methods === undefined) callHeads.set(instance, (methods = new Map()));
  const head = utf8Encoder.encode(`{"instance":${JSON.stringify(instance)},"method":${JSON.stringify(method)},"args":`);
  methods.set(method, head);
  callHeadCount++;
  return head;
}
