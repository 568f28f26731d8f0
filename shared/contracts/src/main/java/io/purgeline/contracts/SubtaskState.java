package io.purgeline.contracts;

import com.google.gson.annotations.SerializedName;

/** A node's state within a task (API.md §3). Only moves forward; the last three are final. */
public enum SubtaskState {
    @SerializedName("pending") PENDING,
    @SerializedName("parked") PARKED,
    @SerializedName("dispatched") DISPATCHED,
    @SerializedName("done") DONE,
    @SerializedName("failed") FAILED,
    @SerializedName("expired") EXPIRED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean isFinal() {
        return this == DONE || this == FAILED || this == EXPIRED;
    }
}
