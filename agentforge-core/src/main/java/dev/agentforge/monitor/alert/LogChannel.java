package dev.agentforge.monitor.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes notices to the log {@code dev.agentforge.alerts}: critical at ERROR, warning at WARN, info and
 * every resolved notice at INFO.
 */
public final class LogChannel implements AlertChannel {

    /** The logger name, so a logging configuration can route alerts on their own. */
    public static final String LOGGER = "dev.agentforge.alerts";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    @Override
    public String name() {
        return "log";
    }

    @Override
    public String describe() {
        return "logger " + LOGGER;
    }

    @Override
    public void send(Notice notice) {
        String message = notice.title() + System.lineSeparator() + notice.text().stripTrailing();
        if (notice.status() == AlertStatus.RESOLVED) {
            LOG.info(message);
            return;
        }
        switch (notice.severity()) {
            case CRITICAL -> LOG.error(message);
            case WARNING -> LOG.warn(message);
            case INFO -> LOG.info(message);
        }
    }
}
