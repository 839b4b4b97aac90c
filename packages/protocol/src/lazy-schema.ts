import { useEnglishByDefault } from "./use-english-by-default.ts";

/**
 * A schema built on its first use, then kept. Building zod schemas is most of what evaluating this
 * package costs (the first schema of each zod class installs that class's methods), and a process
 * uses few of them: a plugin parses the frames the host sends and never a handshake, the host the
 * reverse. So the protocol's schemas (zod/mini) are built when a process first needs each one, not at
 * import, and the first one built gives zod its English messages (useEnglishByDefault).
 */
export function lazySchema<T>(build: () => T): () => T {
  let schema: T | undefined;
  return () => {
    if (schema === undefined) {
      useEnglishByDefault();
      schema = build();
    }
    return schema;
  };
}
