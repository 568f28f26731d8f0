package io.purgeline.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the command line runs from ({@code -Dpurgeline.home}, set by bin/purgeline), where the jars are. */
final class Home {
    private Home() {}

    static Path dir() {
        return Path.of(System.getProperty("purgeline.home", ".")).toAbsolutePath().normalize();
    }

    static Path jar(String module) {
        Path jar = dir().resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new CliException(ExitCodes.BAD_INPUT, "not_built", jar + " is missing: build first with "
                    + "`mvn -B -DskipTests package` (bin/purgeline builds when a jar is missing)");
        }
        return jar;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
