package io.purgeline.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command that talks to purgeline's workers; returns its exit code ({@link ExitCodes}). */
abstract class ApiCommand implements Callable<Integer> {
    @Mixin
    Common common;
}
