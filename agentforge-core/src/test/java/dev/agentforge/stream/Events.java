package dev.agentforge.stream;

import dev.agentforge.event.Action;
import dev.agentforge.event.Observation;
import dev.agentforge.event.Progress;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.event.Usage;
import java.time.Instant;

/** Builds events of the run {@value #RUN} for tests, timed by their sequence number. */
final class Events {

    static final String RUN = "run_1";

    private Events() {
    }

    static Instant at(long sequence) {
        return Instant.parse("2026-01-01T00:00:00Z").plusMillis(sequence);
    }

    static RunStarted started(long sequence) {
        return new RunStarted(RUN, sequence, at(sequence), "input", "scripted", null, "anonymous");
    }

    static Token token(long sequence, String text) {
        return new Token(RUN, sequence, at(sequence), text);
    }

    static Thought thought(long sequence, String text) {
        return new Thought(RUN, sequence, at(sequence), text);
    }

    static Action action(long sequence) {
        return new Action(RUN, sequence, at(sequence), "call_" + sequence, "lookup", "{}");
    }

    static Observation observation(long sequence, String result) {
        return new Observation(RUN, sequence, at(sequence), "call_" + sequence, "lookup", result, null, 5);
    }

    static Progress progress(long sequence, long current) {
        return new Progress(RUN, sequence, at(sequence), current, 100L, null);
    }

    static RunCompleted completed(long sequence) {
        return new RunCompleted(RUN, sequence, at(sequence), "answer", Usage.ZERO);
    }
}
