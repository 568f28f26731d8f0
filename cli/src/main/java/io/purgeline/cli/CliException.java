package io.purgeline.cli;

/** Ends a command with a sentence for the operator and an exit code for scripts ({@link ExitCodes}). */
public final class CliException extends RuntimeException {
    private final int exitCode;
    private final String error;

    /** @param error the stable code shown under {@code --json}, like the API's error bodies */
    public CliException(int exitCode, String error, String message) {
        super(message);
        this.exitCode = exitCode;
        this.error = error;
    }

    public int exitCode() {
        return exitCode;
    }

    public String error() {
        return error;
    }
}
