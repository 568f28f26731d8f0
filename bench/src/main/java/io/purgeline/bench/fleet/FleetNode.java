package io.purgeline.bench.fleet;

/** A simulated node as the rest of purgeline sees it: its id and its agent's address, {@code host:port}. */
public record FleetNode(String nodeId, String address) {
    public String host() {
        return address.substring(0, address.lastIndexOf(':'));
    }

    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }
}
