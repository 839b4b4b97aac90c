/**
 * The first argument that makes a composed executable serve one plugin file instead of running the host:
 * `<executable> __loom-serve-plugin ./plugin.cjs`. A plugin with placement subprocess or exec in an
 * executable distribution runs this way, so the distribution needs no Node of its own (docs/decisions.md).
 */
export const SERVE_PLUGIN_COMMAND = "__loom-serve-plugin";

/** The folder beside the executable or bundle that holds the plugins it runs out of process. */
export const PLUGINS_DIR = "plugins.d";
