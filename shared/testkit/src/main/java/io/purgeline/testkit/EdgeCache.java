package io.purgeline.testkit;

/** A real cache a test started (Varnish, nginx, Traffic Server, Squid): where it serves, and how to stop it. */
public interface EdgeCache extends AutoCloseable {
    /** The base URL of the cache, for example {@code http://127.0.1.1:36081}. */
    String url();

    /** Stops the cache and removes what it wrote; never throws, so stacks of them close in one loop. */
    @Override
    void close();
}
