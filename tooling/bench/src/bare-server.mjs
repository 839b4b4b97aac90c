// The baseline: a bare node:http server answering the same fixed body as the gateway's respond handler.
import { createServer } from "node:http";

const body = Buffer.from(process.env.BODY ?? "Hello from Loom\n");
const server = createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": body.length });
  res.end(body);
});
server.listen(0, "127.0.0.1", () => process.stderr.write(`listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
