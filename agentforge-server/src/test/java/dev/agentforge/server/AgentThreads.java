package dev.agentforge.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists the live threads named {@code agentforge-*}, virtual threads included. Virtual threads are
 * missing from {@link Thread#getAllStackTraces()}, so this reads the JVM's JSON thread dump, which
 * lists them while {@code jdk.trackAllThreads} is on (the default of JDK 21 and later).
 */
final class AgentThreads {

    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"(agentforge-[^\"]*)\"");

    private AgentThreads() {
    }

    static List<String> names() {
        try {
            Path dir = Files.createTempDirectory("thread-dump");
            Path file = dir.resolve("threads.json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String dump = Files.readString(file);
            Files.delete(file);
            Files.delete(dir);
            List<String> names = new ArrayList<>();
            Matcher matcher = NAME.matcher(dump);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not take a thread dump", e);
        }
    }

    static int count() {
        return names().size();
    }
}
