// zod for plugin authors, as a module to import as a namespace: `import * as z from "@loom/sdk/z"`. A bundle
// then holds only the parts of zod the plugin uses; `import { z } from "@loom/sdk"` is the same zod, but
// esbuild cannot tree-shake a namespace that is re-exported as a value (evanw/esbuild#1420), so that form
// pulls in all of zod (~600 KB more to compile and run at every start of a subprocess plugin).
export * from "zod";
