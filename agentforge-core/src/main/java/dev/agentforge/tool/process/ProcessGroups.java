package dev.agentforge.tool.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals and inspects process groups. Java has no API for a process group, so signals go through the
 * {@code kill} command with a negative pid, and liveness comes from {@code /proc} where it exists, else
 * from {@code kill -0}.
 */
final class ProcessGroups {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessGroups.class);
    private static final Path PROC = Path.of("/proc");

    private ProcessGroups() {
    }

    /** Sends {@code signal}, such as {@code TERM} or {@code KILL}, to every process of the group. */
    static void signal(long groupId, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + groupId)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                LOG.warn("kill -{} -- -{} did not finish within 5 s", signal, groupId);
            }
        } catch (IOException e) {
            LOG.warn("Cannot run kill to send {} to process group {}: {}", signal, groupId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a process of the group is still running; a zombie, which only waits to be reaped, does not count. */
    static boolean isAlive(long groupId) {
        if (!Files.isDirectory(PROC)) {
            return isAliveByKill(groupId);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, entry -> isNumeric(entry.getFileName().toString()))) {
            for (Path entry : entries) {
                ProcStat stat = ProcStat.read(entry.resolve("stat"));
                if (stat != null && stat.groupId() == groupId && stat.running()) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return isAliveByKill(groupId);
        }
    }

    private static boolean isAliveByKill(long groupId) {
        try {
            Process kill = new ProcessBuilder("kill", "-0", "--", "-" + groupId)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return kill.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static boolean isNumeric(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The fields of {@code /proc/<pid>/stat} this class needs.
     *
     * @param state the state letter, such as {@code R}, {@code S} or {@code Z} for a zombie
     * @param groupId the process group id
     */
    record ProcStat(char state, long groupId) {

        /** Whether the process runs or sleeps, as opposed to being a zombie or dead. */
        boolean running() {
            return state != 'Z' && state != 'X' && state != 'x';
        }

        /** Reads a stat file, or returns null if the process is gone. */
        static ProcStat read(Path stat) {
            String text;
            try {
                text = Files.readString(stat);
            } catch (IOException e) {
                return null;
            }
            // The command name in brackets may contain spaces and brackets, so fields are counted after the last ')'.
            int end = text.lastIndexOf(')');
            if (end < 0) {
                return null;
            }
            String[] fields = text.substring(end + 2).split(" ");
            if (fields.length < 3) {
                return null;
            }
            return new ProcStat(fields[0].charAt(0), Long.parseLong(fields[2]));
        }
    }
}
