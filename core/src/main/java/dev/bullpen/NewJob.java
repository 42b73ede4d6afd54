package dev.bullpen;

/**
 * One job for {@link Queue#addBulk}: a name, data and options.
 *
 * @param <D> the data type
 */
public record NewJob<D>(String name, D data, JobOptions opts) {
  /** A job with the given options ({@code null} options mean {@link JobOptions#DEFAULT}). */
  public NewJob {
    if (name == null) {
      throw new IllegalArgumentException("job name must not be null");
    }
    opts = opts == null ? JobOptions.DEFAULT : opts;
  }

  /** A job with default options. */
  public static <D> NewJob<D> of(String name, D data) {
    return new NewJob<>(name, data, JobOptions.DEFAULT);
  }
}
