package io.purgeline.bench.fleet;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purgeline.service.RoutingHandler;
import io.purgeline.service.Routes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jetty server answering on many addresses, each with its own routes, for the price of one. A Jetty connector per
 * address costs its own selector thread (measured: 1,000 connectors took about 1,300 threads and 1.3 GB); here one
 * thread accepts on every address and hands the connections to a single connector, whose one selector and small
 * thread pool serve them all. An address can stop listening, which refuses new connections and drops the open ones,
 * as a machine that went away would, and listen again later on the same port.
 *
 * <p>The connector's own address is the control address, with routes of its own.
 */
final class MultiAddressServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MultiAddressServer.class);
    private static final int BACKLOG = 128;

    private final Server server;
    private final ServerConnector connector;
    private final Selector selector;
    private final Map<SocketAddress, Routes> routes;
    private final Queue<Runnable> changes = new ConcurrentLinkedQueue<>();
    /** Listening channels by address; touched only by the accept thread. */
    private final Map<InetSocketAddress, SelectionKey> listening = new HashMap<>();
    private volatile boolean running = true;
    private Thread acceptor;

    private MultiAddressServer(Server server, ServerConnector connector, Selector selector,
            Map<SocketAddress, Routes> routes) {
        this.server = server;
        this.connector = connector;
        this.selector = selector;
        this.routes = routes;
    }

    /**
     * @param controlHost where the control address listens (on a free port)
     * @param maxThreads  the pool serving every address, its selector among them: agent requests are short (verify,
     *                    queue, answer 202), so a dozen threads serve hundreds of addresses
     */
    static MultiAddressServer start(String name, String controlHost, int maxThreads, int maxBodyBytes)
            throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, 2);
        threads.setName(name + "-http");
        threads.setReservedThreads(0);
        Server server = new Server(threads, new ScheduledExecutorScheduler(name + "-http-timer", false), null);
        // No acceptor thread: the one selector accepts on the control address; the accept thread below does the rest.
        ServerConnector connector = new ServerConnector(server, 0, 1);
        connector.setHost(controlHost);
        connector.setPort(0);
        server.addConnector(connector);
        Map<SocketAddress, Routes> routes = new ConcurrentHashMap<>();
        server.setHandler(new RoutingHandler(
                request -> routes.get(request.getConnectionMetaData().getLocalSocketAddress()), maxBodyBytes,
                new SimpleMeterRegistry()));
        server.setStopTimeout(5_000);
        Selector selector = Selector.open();
        MultiAddressServer multi = new MultiAddressServer(server, connector, selector, routes);
        try {
            server.start();
            multi.acceptor = new Thread(multi::acceptLoop, name + "-accept");
            multi.acceptor.setDaemon(true);
            multi.acceptor.start();
        } catch (Exception | Error e) {
            multi.close();
            throw e;
        }
        return multi;
    }

    /** The connector's own address, served by the routes given to {@link #routeControl}. */
    InetSocketAddress controlAddress() {
        try {
            return new InetSocketAddress(InetAddress.getByName(connector.getHost()), connector.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void routeControl(Routes controlRoutes) {
        routes.put(controlAddress(), controlRoutes);
    }

    /**
     * Listens on {@code address} (port 0 picks a free one) and serves {@code addressRoutes} there. Returns the
     * address bound.
     */
    InetSocketAddress open(InetSocketAddress address, Routes addressRoutes) throws IOException {
        ServerSocketChannel channel = bind(address);
        InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
        routes.put(bound, addressRoutes);
        startAccepting(bound, channel);
        return bound;
    }

    /** Stops listening on an address opened before: new connections are refused, open ones are closed. */
    void refuse(InetSocketAddress address) {
        onAcceptThread(() -> {
            SelectionKey key = listening.remove(address);
            if (key != null) {
                key.cancel();
                // Deregisters the cancelled key now, so that closing the channel releases the port at once: a
                // channel still registered with a selector keeps listening (and queueing connections) until then.
                selector.selectNow();
                key.channel().close();
            }
        });
        for (EndPoint endPoint : connector.getConnectedEndPoints()) {
            if (address.equals(endPoint.getLocalSocketAddress())) {
                endPoint.close();
            }
        }
    }

    /** Listens again on an address that was refused, on the same port. */
    void reopen(InetSocketAddress address) throws IOException {
        startAccepting(address, bind(address));
    }

    private static ServerSocketChannel bind(InetSocketAddress address) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            // Reopening the same port while closed connections linger in TIME_WAIT.
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, BACKLOG);
            channel.configureBlocking(false);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot listen on " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + ": " + e.getMessage(), e);
        }
    }

    private void startAccepting(InetSocketAddress address, ServerSocketChannel channel) throws IOException {
        try {
            onAcceptThread(() -> listening.put(address, channel.register(selector, SelectionKey.OP_ACCEPT)));
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @FunctionalInterface
    private interface Change {
        void apply() throws IOException;
    }

    /** Runs a change to the listening set on the accept thread (a selector is not to be changed while it selects). */
    private void onAcceptThread(Change change) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        changes.add(() -> {
            try {
                change.apply();
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        selector.wakeup();
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while changing the listening addresses", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("changing the listening addresses failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the accept thread did not apply a change within 10 s", e);
        }
    }

    private void acceptLoop() {
        while (running) {
            try {
                selector.select();
                Runnable change;
                while ((change = changes.poll()) != null) {
                    change.run();
                }
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (key.isValid() && key.isAcceptable()) {
                        accept((ServerSocketChannel) key.channel());
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    log.warn("accepting connections failed; going on", e);
                }
            }
        }
    }

    private void accept(ServerSocketChannel listener) throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connector.getSelectorManager().accept(channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                log.warn("could not hand over a connection accepted on {}", listener.getLocalAddress(), e);
            }
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        selector.wakeup();
        if (acceptor != null) {
            acceptor.join(5_000);
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
        server.stop();
    }
}
