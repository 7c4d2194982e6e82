package dev.agentforge.agent;

import java.util.Objects;

/**
 * What starts a run.
 *
 * @param input the user's input
 * @param principal the principal the run acts for; {@code anonymous} until authentication fills it in
 */
public record RunRequest(String input, String principal) {

    /** The principal of every request until authentication exists. */
    public static final String ANONYMOUS = "anonymous";

    public RunRequest {
        Objects.requireNonNull(input, "input");
        principal = principal == null || principal.isBlank() ? ANONYMOUS : principal;
    }

    /** Creates a request for the anonymous principal. */
    public static RunRequest of(String input) {
        return new RunRequest(input, ANONYMOUS);
    }
}
