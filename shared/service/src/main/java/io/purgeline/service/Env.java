package io.purgeline.service;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Typed reading of configuration from environment variables (or any map, so tests build configuration without
 * touching the process environment). A value that is present but malformed fails loudly at start-up, naming the
 * variable, rather than falling back to a default the operator did not choose.
 */
public final class Env {
    private final Map<String, String> vars;

    public Env(Map<String, String> vars) {
        this.vars = Map.copyOf(Objects.requireNonNull(vars, "null vars"));
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public Map<String, String> asMap() {
        return vars;
    }

    public String str(String name, String def) {
        String v = vars.get(name);
        return v == null || v.isBlank() ? def : v.trim();
    }

    public int integer(String name, int def) {
        String v = str(name, null);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
        }
    }

    public boolean bool(String name, boolean def) {
        String v = str(name, null);
        if (v == null) {
            return def;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
        };
    }

    /** A duration in milliseconds; the variable's name should end in {@code _MS}. */
    public Duration millis(String name, Duration def) {
        String v = str(name, null);
        return v == null ? def : Duration.ofMillis(integer(name, 0));
    }

    /** A comma-separated list of millisecond durations, for example retry delays. */
    public List<Duration> millisList(String name, List<Duration> def) {
        String v = str(name, null);
        if (v == null) {
            return def;
        }
        try {
            return Arrays.stream(v.split(",")).map(String::trim).map(Long::parseLong).map(Duration::ofMillis).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be comma-separated milliseconds, got '" + v + "'");
        }
    }
}
