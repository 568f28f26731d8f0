package io.purgeline.contracts;

import com.google.gson.annotations.SerializedName;
import java.util.Arrays;
import java.util.Optional;

/** What a task asks of every target node. The wire name is the lower-case form used in API.md. */
public enum TaskType {
    @SerializedName("refresh") REFRESH("refresh"),
    @SerializedName("refresh_dir") REFRESH_DIR("refresh_dir"),
    @SerializedName("refresh_tag") REFRESH_TAG("refresh_tag"),
    @SerializedName("prefetch") PREFETCH("prefetch");

    private final String wire;

    TaskType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<TaskType> fromWire(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
    }
}
