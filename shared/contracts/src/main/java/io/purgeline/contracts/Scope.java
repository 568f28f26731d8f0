package io.purgeline.contracts;

import java.util.List;

/** Which nodes a task targets. A null or empty list means "no restriction on this attribute". */
public record Scope(List<String> regions, List<Integer> tiers, List<String> nodes) {
    public static final Scope ALL = new Scope(null, null, null);
}
