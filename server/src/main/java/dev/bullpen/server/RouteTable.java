package dev.bullpen.server;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRouting;
import java.util.ArrayList;
import java.util.List;

/**
 * Every route of the server with the role it needs. Routes are added only through
 * {@link #add}, so no route can exist without a declared role, every request passes
 * {@link Access#check} first, every action on an operator or admin route (any method but GET
 * and HEAD) is audited with its outcome, and tests can walk {@link #routes()} with every role.
 */
final class RouteTable {
  /** One declared route. */
  record Route(HandlerType method, String path, Role role) {}

  /** Decides whether a request may use a route that needs {@code role}; throws ApiError if not. */
  interface Access {
    void check(Context ctx, Role role);

    /** Records an audited action and the status it was answered with. */
    default void audit(Context ctx, int status) {}
  }

  private final List<Route> routes = new ArrayList<>();
  private final Access access;

  RouteTable(Access access) {
    this.access = access;
  }

  void add(JavalinDefaultRouting r, HandlerType method, String path, Role role, Handler h) {
    routes.add(new Route(method, path, role));
    boolean audited = role.allows(Role.OPERATOR) && method != HandlerType.GET
        && method != HandlerType.HEAD;
    r.addHttpHandler(method, path, ctx -> {
      try {
        access.check(ctx, role);
        h.handle(ctx);
      } catch (Exception e) {
        if (audited) {
          access.audit(ctx, ServerErrors.statusOf(e));
        }
        throw e;
      }
      if (audited) {
        access.audit(ctx, ctx.statusCode());
      }
    });
  }

  List<Route> routes() {
    return List.copyOf(routes);
  }
}
