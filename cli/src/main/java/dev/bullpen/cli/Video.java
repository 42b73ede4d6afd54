package dev.bullpen.cli;

/**
 * The data of every job of the demo's video pipeline (stored as JSON, so Node BullMQ workers
 * could take the same jobs).
 *
 * @param file the video's file name
 * @param seconds its length, which makes transcoding take longer
 * @param flaky the encoder crashes on the first attempt (the job succeeds on a retry)
 * @param corrupt the file cannot be decoded (the job fails for good)
 */
record Video(String file, int seconds, boolean flaky, boolean corrupt) {
  static Video plain(String file, int seconds) {
    return new Video(file, seconds, false, false);
  }
}
