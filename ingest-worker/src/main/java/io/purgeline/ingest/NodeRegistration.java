package io.purgeline.ingest;

/**
 * Body of {@code POST /v1/nodes}. Tier and region are boxed so that "absent" (take the default) differs from a bad
 * value.
 */
public record NodeRegistration(String nodeId, String address, Integer tier, String region) {}
