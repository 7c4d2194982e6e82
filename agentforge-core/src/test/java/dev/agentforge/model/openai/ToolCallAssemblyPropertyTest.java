package dev.agentforge.model.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.transport.SseEncoder;
import dev.agentforge.transport.SseEvent;
import dev.agentforge.transport.SseParser;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams N tool calls whose argument fragments are interleaved at random, several calls'
 * fragments sometimes in one chunk, and checks that every call comes back whole and in index
 * order. The chunks go through the SSE encoder and parser with random read boundaries.
 */
class ToolCallAssemblyPropertyTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    record Call(String name, String arguments) {
    }

    private record Fragment(int index, boolean first, String arguments) {
    }

    @Property(tries = 500)
    void interleavedFragmentsAssembleInIndexOrder(
            @ForAll("calls") List<Call> calls,
            @ForAll Random random) {
        List<Fragment> fragments = interleave(calls, random);
        List<String> chunks = chunks(calls, fragments, random);
        byte[] body = sseBody(chunks);

        ChatResponse response = parse(body, random);

        List<ToolExecutionRequest> requests = response.aiMessage().toolExecutionRequests();
        assertThat(requests).hasSize(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            assertThat(requests.get(i).id()).isEqualTo("call_" + i);
            assertThat(requests.get(i).name()).isEqualTo(calls.get(i).name());
            assertThat(requests.get(i).arguments()).isEqualTo(calls.get(i).arguments());
        }
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    }

    @Provide
    Arbitrary<Call> callArbitrary() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('_')
                .ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> values = Arbitraries.strings()
                .withCharRange(' ', '~').withChars('é', '中', '\n', '\t', '"', '\\')
                .ofMaxLength(40);
        Arbitrary<Map<String, String>> arguments = Arbitraries.maps(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8), values)
                .ofMaxSize(5);
        return Combinators.combine(names, arguments)
                .as((name, args) -> new Call(name, MAPPER.writeValueAsString(args)));
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        return callArbitrary().list().ofMinSize(1).ofMaxSize(6);
    }

    // Splits each call's arguments into 1 to 5 pieces and merges the calls' pieces in a random
    // order that keeps each call's own order. The first fragment of a call carries id and name.
    private static List<Fragment> interleave(List<Call> calls, Random random) {
        List<List<Fragment>> perCall = new ArrayList<>();
        for (int index = 0; index < calls.size(); index++) {
            String arguments = calls.get(index).arguments();
            int pieces = 1 + random.nextInt(5);
            List<Integer> cuts = new ArrayList<>();
            for (int p = 1; p < pieces; p++) {
                cuts.add(random.nextInt(arguments.length() + 1));
            }
            cuts.add(0);
            cuts.add(arguments.length());
            List<Integer> sorted = cuts.stream().distinct().sorted().toList();
            List<Fragment> fragments = new ArrayList<>();
            fragments.add(new Fragment(index, true, ""));
            for (int c = 0; c + 1 < sorted.size(); c++) {
                fragments.add(new Fragment(index, false, arguments.substring(sorted.get(c), sorted.get(c + 1))));
            }
            perCall.add(fragments);
        }
        List<Fragment> merged = new ArrayList<>();
        int[] next = new int[calls.size()];
        int remaining = perCall.stream().mapToInt(List::size).sum();
        while (remaining > 0) {
            int call = random.nextInt(calls.size());
            if (next[call] < perCall.get(call).size()) {
                merged.add(perCall.get(call).get(next[call]++));
                remaining--;
            }
        }
        return merged;
    }

    // Groups consecutive fragments into chunks of 1 to 3 fragments each.
    private static List<String> chunks(List<Call> calls, List<Fragment> fragments, Random random) {
        List<String> chunks = new ArrayList<>();
        int i = 0;
        while (i < fragments.size()) {
            int size = 1 + random.nextInt(3);
            ObjectNode chunk = chunkWithDelta();
            ArrayNode toolCalls = ((ObjectNode) chunk.path("choices").get(0).path("delta")).putArray("tool_calls");
            for (int k = 0; k < size && i < fragments.size(); k++, i++) {
                Fragment fragment = fragments.get(i);
                ObjectNode node = toolCalls.addObject();
                node.put("index", fragment.index());
                ObjectNode function = node.putObject("function");
                if (fragment.first()) {
                    node.put("id", "call_" + fragment.index());
                    node.put("type", "function");
                    function.put("name", calls.get(fragment.index()).name());
                }
                function.put("arguments", fragment.arguments());
            }
            chunks.add(MAPPER.writeValueAsString(chunk));
        }
        ObjectNode finish = chunkWithDelta();
        ((ObjectNode) finish.path("choices").get(0)).put("finish_reason", "tool_calls");
        chunks.add(MAPPER.writeValueAsString(finish));
        chunks.add("[DONE]");
        return chunks;
    }

    private static ObjectNode chunkWithDelta() {
        ObjectNode chunk = MAPPER.createObjectNode();
        chunk.put("id", "chatcmpl-1");
        chunk.put("model", "test-model");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.putNull("finish_reason");
        return chunk;
    }

    private static byte[] sseBody(List<String> chunks) {
        StringBuilder out = new StringBuilder();
        for (String chunk : chunks) {
            SseEncoder.encode(SseEvent.of(chunk), out);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ChatResponse parse(byte[] body, Random random) {
        StreamingHandle handle = new StreamingHandle() {
            @Override
            public void cancel() {
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        StreamingChatResponseHandler handler = new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse response) {
            }

            @Override
            public void onError(Throwable error) {
            }
        };
        ChatCompletionStream stream = new ChatCompletionStream(MAPPER, handler, handle);
        SseParser parser = new SseParser(stream::accept);
        int offset = 0;
        while (offset < body.length) {
            int length = Math.min(body.length - offset, 1 + random.nextInt(64));
            parser.feed(body, offset, length);
            offset += length;
        }
        parser.end();
        return stream.finish();
    }
}
