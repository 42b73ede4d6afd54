package dev.bullpen.status;

/** A registration that ends when closed; closing twice is harmless. */
public interface Subscription extends AutoCloseable {
  /** Stops deliveries (one already under way may still finish). */
  @Override
  void close();
}
