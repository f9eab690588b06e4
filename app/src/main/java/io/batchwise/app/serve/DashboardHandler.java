package io.batchwise.app.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Properties;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.app.dashboard.Dashboard;

/**
 * The live dashboard: {@code GET /} is the page, {@code /dashboard.js} and {@code /dashboard.css} its code and
 * style, {@code /assets/chart.umd.min.js} Chart.js from its WebJar (the page loads nothing from elsewhere), and
 * {@code GET /dashboard/data?after=N} the data, which needs the bearer token where one is set (the page asks
 * for it). Any other path is left to the next handler.
 */
final class DashboardHandler extends Handler.Abstract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHART_JS = chartJsPath();

  private record Asset(String type, byte[] bytes) {
  }

  private final Dashboard dashboard;
  private final BearerToken token;
  private final Map<String, Asset> assets;

  DashboardHandler(Dashboard dashboard, BearerToken token) {
    this.dashboard = dashboard;
    this.token = token;
    Asset page = asset("text/html; charset=utf-8", "/io/batchwise/app/dashboard/index.html");
    this.assets = Map.of(
        "/", page,
        "/index.html", page,
        "/dashboard.js", asset("text/javascript; charset=utf-8", "/io/batchwise/app/dashboard/dashboard.js"),
        "/dashboard.css", asset("text/css; charset=utf-8", "/io/batchwise/app/dashboard/dashboard.css"),
        "/assets/chart.umd.min.js", asset("text/javascript; charset=utf-8", CHART_JS));
  }

  /** Where the Chart.js WebJar keeps its browser build: the version is in the WebJar's Maven properties. */
  private static String chartJsPath() {
    try (InputStream in = DashboardHandler.class.getResourceAsStream(
        "/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the Chart.js WebJar is not on the class path");
      }
      Properties properties = new Properties();
      properties.load(in);
      return "/META-INF/resources/webjars/chart.js/" + properties.getProperty("version") + "/dist/chart.umd.min.js";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Asset asset(String type, String resource) {
    try (InputStream in = DashboardHandler.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new Asset(type, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws IOException {
    String path = request.getHttpURI().getDecodedPath();
    Asset asset = assets.get(path);
    if (asset == null && !path.equals("/dashboard/data")) {
      return false;
    }
    if (!request.getMethod().equals("GET")) {
      reply(response, callback, 405, Map.of("error", request.getMethod() + " is not allowed here: use GET"));
      return true;
    }
    if (asset != null) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.type());
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
      response.write(true, ByteBuffer.wrap(asset.bytes()), callback);
      return true;
    }
    try {
      token.require(request);
    } catch (RequestProblem e) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"batchwise\"");
      reply(response, callback, e.status(), Map.of("error", e.getMessage()));
      return true;
    }
    long after;
    try {
      String given = Request.extractQueryParameters(request).getValue("after");
      after = given == null ? 0 : Long.parseLong(given);
    } catch (NumberFormatException e) {
      reply(response, callback, 400, Map.of("error", "after must be a whole number (the last point's seq)"));
      return true;
    }
    reply(response, callback, 200, dashboard.view(after));
    return true;
  }

  private static void reply(Response response, Callback callback, int status, Object body) throws IOException {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
  }
}
