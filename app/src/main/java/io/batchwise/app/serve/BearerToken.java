package io.batchwise.app.serve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/** The token a request must bear ({@code Authorization: Bearer TOKEN}) where serve.token is set; compared in constant time. */
final class BearerToken {
  private final byte[] token;

  BearerToken(Optional<String> token) {
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  /** @throws RequestProblem 401 when a token is required and the request does not bear it */
  void require(Request request) throws RequestProblem {
    if (token == null) {
      return;
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new RequestProblem(401, "this server needs a bearer token: send Authorization: Bearer TOKEN");
    }
    byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) {
      throw new RequestProblem(401, "wrong bearer token");
    }
  }
}
