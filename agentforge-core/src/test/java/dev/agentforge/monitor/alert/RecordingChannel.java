package dev.agentforge.monitor.alert;

import java.util.ArrayList;
import java.util.List;

/** A channel that keeps every notice it receives, and fails the first {@code failures} sends. */
final class RecordingChannel implements AlertChannel {

    final List<Notice> notices = new ArrayList<>();
    int failures;
    int attempts;

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public String describe() {
        return "in memory";
    }

    @Override
    public synchronized void send(Notice notice) throws AlertDeliveryException {
        attempts++;
        if (failures > 0) {
            failures--;
            throw new AlertDeliveryException("receiver unavailable");
        }
        notices.add(notice);
    }

    synchronized List<Notice> notices() {
        return List.copyOf(notices);
    }
}
