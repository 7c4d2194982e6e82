package dev.agentforge.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorCodes;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.server.AgentServer;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TokenStreamProducerTest {

    interface Assistant {
        TokenStream chat(String message);
    }

    static final class WeatherTools {
        @Tool("Returns the weather of a city")
        String weather(String city) {
            return "sunny in " + city;
        }
    }

    private static ScriptedChatModel weatherModel() {
        return ScriptedChatModel.builder()
                .rule("weather", "weather in (\\w+)", turn -> turn.step() == 0
                        ? ScriptStep.callTool("weather", "{\"city\":\"" + turn.group(1) + "\"}")
                                .withThought("I should look it up.")
                        : ScriptStep.answer("It is " + turn.lastResult().text() + "."))
                .build();
    }

    private static Agent agentFor(StreamingChatModel model) {
        Assistant assistant = AiServices.builder(Assistant.class)
                .streamingChatModel(model)
                .tools(new WeatherTools())
                .build();
        return TokenStreamProducer.agent(request -> assistant.chat(request.input()), "langchain4j:scripted");
    }

    private static RunResult finish(AgentRun run) throws Exception {
        return run.result().get(10, TimeUnit.SECONDS);
    }

    @Test
    void toolCallRunMapsEveryCallback() throws Exception {
        AgentRun run = agentFor(weatherModel()).start("What is the weather in Paris?");
        RunResult result = finish(run);
        List<AgentEvent> events = run.events().collectList().block(Duration.ofSeconds(5));

        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("It is sunny in Paris.");
        assertThat(events).extracting(AgentEvent::type).containsExactly(
                "run_started", "thought", "action", "observation",
                "token", "token", "token", "token", "token", "done");
        assertThat(events).extracting(AgentEvent::sequence)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);

        RunStarted started = (RunStarted) events.get(0);
        assertThat(started.model()).isEqualTo("langchain4j:scripted");
        assertThat(started.input()).isEqualTo("What is the weather in Paris?");
        assertThat(((Thought) events.get(1)).text()).isEqualTo("I should look it up.");

        Action action = (Action) events.get(2);
        Observation observation = (Observation) events.get(3);
        assertThat(action.tool()).isEqualTo("weather");
        assertThat(action.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(observation.callId()).isEqualTo(action.callId());
        assertThat(observation.result()).isEqualTo("sunny in Paris");
        assertThat(observation.error()).isNull();

        String streamed = events.stream()
                .filter(Token.class::isInstance)
                .map(event -> ((Token) event).text())
                .reduce("", String::concat);
        RunCompleted done = (RunCompleted) events.getLast();
        assertThat(streamed).isEqualTo(done.answer());
        assertThat(done.usage().totalTokens()).isPositive();
    }

    @Test
    void failedToolGivesObservationError() throws Exception {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("weather", "weather", turn -> turn.step() == 0
                        ? ScriptStep.callTool("weather", "{\"city\":\"Rome\"}")
                        : ScriptStep.answer("No weather."))
                .build();
        Assistant assistant = AiServices.builder(Assistant.class)
                .streamingChatModel(model)
                .tools(new Object() {
                    @Tool("Returns the weather of a city")
                    String weather(String city) {
                        throw new IllegalStateException("weather service is down");
                    }
                })
                .build();
        AgentRun run = TokenStreamProducer.agent(request -> assistant.chat(request.input()), "scripted")
                .start("weather?");
        RunResult result = finish(run);
        List<AgentEvent> events = run.events().collectList().block(Duration.ofSeconds(5));

        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        Observation observation = events.stream()
                .filter(Observation.class::isInstance)
                .map(Observation.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(observation.failed()).isTrue();
        assertThat(observation.error()).contains("weather service is down");
        assertThat(observation.result()).isNull();
    }

    /** Streams two pieces of text, then fails with the given error. */
    private record FailingModel(RuntimeException failure) implements StreamingChatModel {
        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            handler.onPartialResponse("Hello");
            handler.onPartialResponse(" wor");
            handler.onError(failure);
        }
    }

    @Test
    void modelErrorKeepsPartialText() throws Exception {
        AgentRun run = agentFor(new FailingModel(new RateLimitException("429 Too Many Requests"))).start("Hi");
        RunResult result = finish(run);
        List<AgentEvent> events = run.events().collectList().block(Duration.ofSeconds(5));

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(events).extracting(AgentEvent::type).containsExactly("run_started", "token", "token", "error");
        ErrorEvent error = (ErrorEvent) events.getLast();
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_RATE_LIMITED);
        assertThat(error.retryable()).isTrue();
        assertThat(error.fatal()).isTrue();
        assertThat(error.partialText()).isEqualTo("Hello wor");
    }

    @Test
    void cancelEndsBlockedRun() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        // Streams one token and then never completes, like a provider that stalls.
        StreamingChatModel stalling = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                handler.onPartialResponse("Thinking");
                streaming.countDown();
            }
        };
        AgentRun run = agentFor(stalling).start("Hi");
        assertThat(streaming.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(run.cancel("user left")).isTrue();
        RunResult result = finish(run);

        assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(result.cancelReason()).isEqualTo("user left");
        assertThat(run.events().collectList().block(Duration.ofSeconds(5)))
                .extracting(AgentEvent::type)
                .containsExactly("run_started", "token", "cancelled");
    }

    @Test
    void serverStreamsRunOverSse() throws Exception {
        try (AgentServer server = AgentServer.create(agentFor(weatherModel())).port(0).start()) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> started = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/runs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"What is the weather in Oslo?\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).isEqualTo(202);
            Matcher eventsUrl = Pattern.compile("\"eventsUrl\"\\s*:\\s*\"([^\"]+)\"").matcher(started.body());
            assertThat(eventsUrl.find()).isTrue();

            HttpResponse<String> stream = client.send(HttpRequest.newBuilder(URI.create(base + eventsUrl.group(1)))
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(stream.statusCode()).isEqualTo(200);
            List<String> names = stream.body().lines()
                    .filter(line -> line.startsWith("event: "))
                    .map(line -> line.substring("event: ".length()))
                    .toList();
            assertThat(names).containsExactly("run_started", "thought", "action", "observation",
                    "token", "token", "token", "token", "token", "done");
            assertThat(stream.body()).contains("\"answer\":\"It is sunny in Oslo.\"");
        }
    }
}
