package dev.agentforge.model.openai;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles streamed tool-call fragments ({@code choices[].delta.tool_calls[]}) into whole calls.
 *
 * <p>OpenAI streams all fragments of one call before the next, but other compatible servers and
 * gateways interleave the fragments of parallel calls. So a fragment is matched to its call by
 * id when it has one, and otherwise by index: a fragment with only an index belongs to the
 * latest call with that index. A fragment with a new id at an index whose call already has a
 * different id starts a new call. A fragment with neither index nor id continues the latest call.
 *
 * <p>Not thread-safe.
 */
final class ToolCallAccumulator {

    /** One assembled call. {@code id} and {@code name} are {@code null} when no fragment had them. */
    record ToolCall(int index, String id, String name, String arguments) {
    }

    private static final class PendingCall {
        final int index;
        final int sequence;
        String id;
        final StringBuilder name = new StringBuilder();
        final StringBuilder arguments = new StringBuilder();

        PendingCall(int index, int sequence) {
            this.index = index;
            this.sequence = sequence;
        }
    }

    private final List<PendingCall> calls = new ArrayList<>();
    private final Map<Integer, PendingCall> latestByIndex = new HashMap<>();
    private final Map<String, PendingCall> byId = new HashMap<>();
    private PendingCall latest;

    /**
     * Adds one fragment.
     *
     * @param index the fragment's {@code index}, or {@code null} if it had none
     * @param id the call id, or {@code null}
     * @param name the function name or a piece of it, or {@code null}
     * @param arguments a piece of the arguments JSON, or {@code null}
     */
    void add(Integer index, String id, String name, String arguments) {
        String callId = id == null || id.isEmpty() ? null : id;
        PendingCall call = find(index, callId);
        if (call == null) {
            call = create(index);
        }
        if (callId != null && call.id == null) {
            call.id = callId;
            byId.put(callId, call);
        }
        appendName(call, name);
        if (arguments != null) {
            call.arguments.append(arguments);
        }
        latest = call;
    }

    /** Returns whether no fragment was added. */
    boolean isEmpty() {
        return calls.isEmpty();
    }

    /** Returns the assembled calls ordered by index, and calls that share an index by arrival. */
    List<ToolCall> toolCalls() {
        return calls.stream()
                .sorted(Comparator.<PendingCall>comparingInt(c -> c.index).thenComparingInt(c -> c.sequence))
                .map(c -> new ToolCall(c.index, c.id,
                        c.name.isEmpty() ? null : c.name.toString(), c.arguments.toString()))
                .toList();
    }

    private PendingCall find(Integer index, String callId) {
        if (callId != null && byId.containsKey(callId)) {
            return byId.get(callId);
        }
        if (index != null) {
            PendingCall atIndex = latestByIndex.get(index);
            if (atIndex != null && (callId == null || atIndex.id == null)) {
                return atIndex;
            }
            return null;
        }
        return callId == null ? latest : null;
    }

    private PendingCall create(Integer index) {
        int callIndex = index != null ? index : nextFreeIndex();
        PendingCall call = new PendingCall(callIndex, calls.size());
        calls.add(call);
        latestByIndex.put(callIndex, call);
        return call;
    }

    private int nextFreeIndex() {
        int max = -1;
        for (PendingCall call : calls) {
            max = Math.max(max, call.index);
        }
        return max + 1;
    }

    // Most servers send the name whole in the first fragment, and some repeat it in later ones,
    // so a repeat is ignored and any other piece is appended.
    private static void appendName(PendingCall call, String name) {
        if (name == null || name.isEmpty()) {
            return;
        }
        if (!call.name.toString().equals(name)) {
            call.name.append(name);
        }
    }
}
