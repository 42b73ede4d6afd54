package dev.bullpen.event;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of a queue's events stream, as any BullMQ client wrote it.
 *
 * @param streamId the stream entry id ({@code <ms>-<seq>}), usable to resume reading
 * @param event the event name: added, waiting, delayed, active, progress, completed, failed,
 *     retries-exhausted, stalled, removed, duplicated, drained, paused, resumed, cleaned, ... or a
 *     custom name
 * @param jobId the job the event is about, or null for queue-wide events
 * @param fields every field of the entry, including {@code event} and {@code jobId}
 */
public record QueueEvent(String streamId, String event, String jobId, Map<String, String> fields) {
  /** A field's value, or null. */
  public String field(String name) {
    return fields.get(name);
  }

  /** The previous state ({@code prev}), or null. */
  public String prev() {
    return fields.get("prev");
  }

  /** When Redis appended the entry (from the stream id). */
  public Instant time() {
    int dash = streamId.indexOf('-');
    return Instant.ofEpochMilli(Long.parseLong(dash < 0 ? streamId : streamId.substring(0, dash)));
  }
}
