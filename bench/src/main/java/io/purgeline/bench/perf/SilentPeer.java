package io.purgeline.bench.perf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node that accepts TCP connections and never answers: it reads nothing and writes nothing, and keeps every
 * connection open until closed. What a hung agent or a black-holed host looks like to dispatch.
 */
final class SilentPeer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private SilentPeer(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::accept, "bench-silent-peer");
        acceptor.setDaemon(true);
    }

    static SilentPeer start(String host) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(host, 0), 1024);
        SilentPeer peer = new SilentPeer(s);
        peer.acceptor.start();
        return peer;
    }

    String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    int connectionsHeld() {
        return held.size();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                held.add(server.accept());
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
