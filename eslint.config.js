import loom from "@loom/eslint-config";

export default loom;
