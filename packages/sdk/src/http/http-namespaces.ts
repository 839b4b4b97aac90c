import { defineNamespace } from "../namespace.ts";
import { checkResponse } from "./check-response.ts";
import { thenOrNow } from "../then-or-now.ts";
import type { HttpHandler, HttpMiddleware } from "./http-contract.ts";

declare module "../namespace.ts" {
  interface KnownNamespaces {
    "http.handlers": HttpHandler;
    "http.middleware": HttpMiddleware;
  }
}

/** `http.handlers`: modules that answer requests, named by `"handler"` in config. */
export const httpHandlers = defineNamespace<HttpHandler>({
  id: "http.handlers",
  inlineKey: "handler",
  description: "Answers an HTTP request with a response.",
  methods: ["handle"],
  guard: (instance, moduleId) => {
    const check = (value: unknown) => checkResponse(value, moduleId);
    return { handle: (request, call) => thenOrNow(instance.handle(request, call), check) };
  },
});

/** `http.middleware`: modules that wrap the next handler, named by `"middleware"` in config. */
export const httpMiddleware = defineNamespace<HttpMiddleware>({
  id: "http.middleware",
  inlineKey: "middleware",
  description: "Wraps the next handler: may answer early or change the request or response.",
  methods: ["handle"],
  guard: (instance, moduleId) => {
    const check = (value: unknown) => checkResponse(value, moduleId);
    return { handle: (request, next, call) => thenOrNow(instance.handle(request, next, call), check) };
  },
});
