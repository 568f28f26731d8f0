package io.purgeline.contracts;

import com.google.gson.annotations.SerializedName;

/** Dispatch lanes: separate queues and consumers so that a slow task never blocks a fast one. */
public enum Lane {
    @SerializedName("fast") FAST("fast"),
    @SerializedName("slow") SLOW("slow");

    private final String wire;

    Lane(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
