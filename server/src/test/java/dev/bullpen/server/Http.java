package dev.bullpen.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;

/** A small HTTP client for the server tests. */
final class Http {
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String[] defaults;

  /**
   * A client of {@code base}; {@code defaultHeaders} (name, value, ...) go with every request,
   * e.g. {@code new Http(url, "Authorization", "Bearer " + token)}.
   */
  Http(String base, String... defaultHeaders) {
    this.base = base;
    this.defaults = defaultHeaders.clone();
  }

  HttpResponse<String> get(String path, String... headers) {
    return send(request(path, headers).GET().build());
  }

  HttpResponse<String> post(String path, String json, String... headers) {
    return send(request(path, headers).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  HttpResponse<String> delete(String path, String... headers) {
    return send(request(path, headers).DELETE().build());
  }

  HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(90));
    for (int i = 0; i < defaults.length; i += 2) {
      b.header(defaults[i], defaults[i + 1]);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.setHeader(headers[i], headers[i + 1]); // a request's own header replaces a default
    }
    return b;
  }

  HttpResponse<String> send(HttpRequest req) {
    try {
      return client.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Opens an event stream; its lines arrive in the returned queue ("<closed>" at the end). */
  Sse sse(String path, String... headers) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    CompletableFuture<HttpResponse<Stream<String>>> f = client.sendAsync(
        request(path, headers).header("Accept", "text/event-stream").GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    CompletableFuture<Integer> status = f.thenApply(r -> {
      Thread t = new Thread(() -> {
        try (Stream<String> s = r.body()) {
          s.forEach(lines::add);
        } catch (RuntimeException e) {
          // the server closed the stream
        }
        lines.add("<closed>");
      }, "test-sse-reader");
      t.setDaemon(true);
      t.start();
      return r.statusCode();
    });
    return new Sse(status, lines, f);
  }

  record Sse(CompletableFuture<Integer> status, BlockingQueue<String> lines,
      CompletableFuture<HttpResponse<Stream<String>>> response) {}

  static JsonNode json(HttpResponse<String> r) {
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + r.body(), e);
    }
  }
}
