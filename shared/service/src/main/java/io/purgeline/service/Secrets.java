package io.purgeline.service;

import java.util.Arrays;
import java.util.List;

/**
 * Reads the secrets a worker needs. Each has a development default so that a checkout runs with no configuration, and
 * a worker refuses to start with that default unless {@code PURGELINE_DEV=true}: a deployment that forgot a secret
 * fails at start-up, naming it, instead of running with a key that is printed in this repository.
 */
public final class Secrets {
    public static final String DEV = "PURGELINE_DEV";

    private final Env env;

    public Secrets(Env env) {
        this.env = env;
    }

    public boolean development() {
        return env.bool(DEV, false);
    }

    /** The secret in {@code name}; its development default only when {@code PURGELINE_DEV=true}. */
    public String get(String name, String devDefault) {
        String v = env.str(name, null);
        if (v == null || v.equals(devDefault)) {
            refuseUnlessDevelopment(name);
            return devDefault;
        }
        return v;
    }

    /** A comma-separated list of secrets, the first one in use; its development default only in development. */
    public List<String> list(String name, String devDefault) {
        List<String> values = Arrays.stream(get(name, devDefault).split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        if (values.isEmpty()) {
            throw new IllegalArgumentException(name + " holds no key");
        }
        if (values.contains(devDefault)) {
            refuseUnlessDevelopment(name);
        }
        return values;
    }

    private void refuseUnlessDevelopment(String name) {
        if (!development()) {
            throw new IllegalArgumentException(name + " is not set, or set to the development default that is"
                    + " published with purgeline; set it to a secret of your own (or " + DEV
                    + "=true on a development machine)");
        }
    }
}
