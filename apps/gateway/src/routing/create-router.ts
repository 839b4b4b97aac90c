import type { HttpCall, HttpHandler, HttpMiddleware, HttpRequest, HttpResponse } from "@loom/sdk";
import { textResponse } from "@loom/sdk";
import type { Route } from "../config/route-schema.ts";
import { compileMatch } from "./compile-match.ts";
import type { RequestMatcher } from "./compile-match.ts";

/** Loads a guest module at a path relative to the routes being compiled. */
export type LoadAt = <T>(namespace: string, raw: unknown, keys: (string | number)[]) => Promise<T>;

interface CompiledRoute {
  matches: RequestMatcher;
  middleware: HttpMiddleware[];
  handler: HttpHandler;
}

/** Routes compiled to matchers and loaded modules; answers a request with the first route that matches. */
export interface Router {
  /** The route's response (or its promise), or undefined when no route matches. */
  dispatch(request: HttpRequest, call: HttpCall): HttpResponse | Promise<HttpResponse> | undefined;
}

/** The path of a request target, without the query. */
export function requestPath(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

function runChain(route: CompiledRoute, request: HttpRequest, call: HttpCall): HttpResponse | Promise<HttpResponse> {
  const { middleware, handler } = route;
  if (middleware.length === 0) return handler.handle(request, call);
  // `next` always returns a promise, also when a module throws synchronously.
  const step = (index: number, current: HttpRequest): Promise<HttpResponse> => {
    try {
      const layer = middleware[index];
      if (!layer) return Promise.resolve(handler.handle(current, call));
      return Promise.resolve(layer.handle(current, (next) => step(index + 1, next), call));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return step(0, request);
}

/** Loads every route's middleware and handler (in config order) and compiles the matchers. */
export async function createRouter(routes: readonly Route[], loadAt: LoadAt): Promise<Router> {
  const compiled: CompiledRoute[] = [];
  for (const [index, route] of routes.entries()) {
    const middleware: HttpMiddleware[] = [];
    for (const [position, raw] of (route.middleware ?? []).entries()) {
      middleware.push(await loadAt<HttpMiddleware>("http.middleware", raw, [index, "middleware", position]));
    }
    const handler = await loadAt<HttpHandler>("http.handlers", route.handle, [index, "handle"]);
    compiled.push({ matches: compileMatch(route.match), middleware, handler });
  }
  return {
    dispatch(request, call) {
      const path = requestPath(request.url);
      for (const route of compiled) {
        if (route.matches(request, path)) return runChain(route, request, call);
      }
      return undefined;
    },
  };
}

/** The answer when no route takes a request. */
export const NOT_FOUND: HttpResponse = textResponse(404, "Not Found\n");
