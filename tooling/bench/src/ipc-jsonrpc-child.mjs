// The peer of `pnpm bench ipc`: a vscode-jsonrpc server over stdio answering `echo` with its parameter.
import process from "node:process";
import rpc from "vscode-jsonrpc/node.js";

const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(process.stdin), new rpc.StreamMessageWriter(process.stdout));
connection.onRequest("echo", (value) => value);
connection.onClose(() => process.exit(0));
connection.listen();
