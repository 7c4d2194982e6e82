package dev.agentforge.tool.process;

import java.time.Duration;

/**
 * The result of a command run by {@link ProcessRunner#run}.
 *
 * @param exitCode the exit code of the command
 * @param stdout the standard output, decoded as UTF-8, cut at the runner's output limit
 * @param stderr the standard error, decoded as UTF-8, cut at the runner's output limit
 * @param stdoutTruncated whether standard output was longer than the limit
 * @param stderrTruncated whether standard error was longer than the limit
 * @param duration the time from start to exit, measured on the system clock
 */
public record ProcessResult(int exitCode, String stdout, String stderr, boolean stdoutTruncated,
        boolean stderrTruncated, Duration duration) {

    /** Whether the command exited with code 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
