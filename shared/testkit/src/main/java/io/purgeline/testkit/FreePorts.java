package io.purgeline.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Picks free TCP ports for processes a test starts, so runs never collide with each other or with services. */
public final class FreePorts {
    /*
     * Below Linux's ephemeral range (32768–60999 by default). A port the kernel hands out for "port 0" comes from that
     * range, and so does the local port of every outgoing connection: a worker that was given such a port failed to
     * start ("Failed to bind") when, in the seconds its JVM took to start, one of the many connections of a benchmark
     * run had taken the same port as its local end.
     */
    private static final int LOWEST = 20_000;
    private static final int ABOVE_HIGHEST = 32_768;
    private static final int TRIES = 200;

    private FreePorts() {}

    public static int on(String host) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (IOException e) {
            throw new IllegalStateException("unknown host " + host, e);
        }
        for (int i = 0; i < TRIES; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ABOVE_HIGHEST);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(address, port));
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free port on " + host + " between " + LOWEST + " and "
                + (ABOVE_HIGHEST - 1) + " after " + TRIES + " tries");
    }

    public static int any() {
        return on("127.0.0.1");
    }
}
