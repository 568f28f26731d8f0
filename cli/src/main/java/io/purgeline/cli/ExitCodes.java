package io.purgeline.cli;

/**
 * What {@code bin/purgeline} exits with, for scripts (README "Command line"). A task's outcome is told apart from the
 * command's own failure: 1 means the command worked and the task failed.
 */
public final class ExitCodes {
    /** Done; with {@code --wait}, the task completed. */
    public static final int OK = 0;
    /** The task ended {@code failed} or {@code expired} (submit --wait, status). */
    public static final int TASK_FAILED = 1;
    /** Bad input: a wrong command line, or a request the API refused (400, 409, 413). */
    public static final int BAD_INPUT = 2;
    /** No such task, node, dead-letter area or message. */
    public static final int NOT_FOUND = 3;
    /** Nothing answers at the worker's address: purgeline (or that worker) is not running there. */
    public static final int NOT_RUNNING = 4;
    /** The worker answered with an error of its own (5xx, an unreadable answer), or a worker of up exited. */
    public static final int SERVER_ERROR = 5;
    /** submit --wait: the task was not final within --timeout. */
    public static final int TIMED_OUT = 6;
    /** The API refused the signer: unsigned, an unknown or revoked key, or not allowed (401, 403). */
    public static final int REFUSED = 7;

    private ExitCodes() {}
}
