package dev.bullpen.internal.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.admin.Alert;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs {@code {"type":"started"|"cleared","at":ms,"alert":{...}}} to a URL when an alert starts
 * or clears. Asynchronous (the JDK client's own threads) with a timeout, never retried, and at
 * most {@link #MAX_IN_FLIGHT} requests at once (later ones are dropped and logged), so a slow or
 * dead receiver never holds up the coordinator.
 */
final class AlertWebhook implements AlertTracker.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(AlertWebhook.class);
  static final int MAX_IN_FLIGHT = 32;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI target;
  private final Duration timeout;
  private final HttpClient http;
  private final AtomicInteger inFlight = new AtomicInteger();

  AlertWebhook(URI target, Duration timeout) {
    this.target = target;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public void started(Alert alert) {
    post("started", alert, alert.since());
  }

  @Override
  public void cleared(Alert alert, Instant at) {
    post("cleared", alert, at);
  }

  static ObjectNode toJson(Alert a) {
    ObjectNode n = JSON.createObjectNode();
    n.put("rule", a.rule());
    n.put("subject", a.subject());
    n.put("level", a.level().word());
    n.put("message", a.message());
    n.put("value", a.value());
    n.put("threshold", a.threshold());
    n.put("since", a.since().toEpochMilli());
    return n;
  }

  private void post(String type, Alert alert, Instant at) {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      LOG.warn("alert webhook {}: too many requests in flight, dropped {} {}", target, type,
          alert.rule());
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("type", type);
    body.put("at", at.toEpochMilli());
    body.set("alert", toJson(alert));
    HttpRequest req = HttpRequest.newBuilder(target).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
      inFlight.decrementAndGet();
      if (err != null) {
        LOG.warn("alert webhook {} failed: {}", target, err.toString());
      } else if (resp.statusCode() >= 300) {
        LOG.warn("alert webhook {} answered {}", target, resp.statusCode());
      }
    });
  }
}
