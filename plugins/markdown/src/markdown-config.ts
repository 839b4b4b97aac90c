import * as z from "@loom/sdk/z";

/** A file name without folders, such as `README.md`. */
const FileNameSchema = z
  .string()
  .min(1)
  .refine((name) => !/[/\\\0]/.test(name) && name !== "." && name !== "..", "must be a plain file name, without folders")
  .describe("A Markdown file name inside the requested folder, e.g. README.md.");

/** The config of `http.handlers.markdown`. */
export const MarkdownConfigSchema = z.strictObject({
  root: z
    .string()
    .min(1)
    .describe("The folder of Markdown files; a relative path is resolved against the working directory at provision."),
  index: z
    .array(FileNameSchema)
    .default(["README.md", "index.md"])
    .describe("File names tried, in order, when a folder is requested."),
  title: z
    .string()
    .min(1)
    .optional()
    .describe("The page title of every page; by default the text of the page's first heading, else the file name."),
  stylesheet: z
    .string()
    .min(1)
    .regex(/^[^\r\n\0]*$/, "must be a single-line URL")
    .optional()
    .describe('The URL of a stylesheet linked from every page, e.g. "/assets/markdown.css".'),
  stripPrefix: z
    .string()
    .regex(/^\/[^?#\0\\]*$/, "must start with / and hold no ?, #, NUL or backslash")
    .optional()
    .describe('A path prefix removed from the request path before it is mapped to a file, e.g. "/docs"; paths without it are not found.'),
});

export type MarkdownConfig = z.infer<typeof MarkdownConfigSchema>;
