package dev.agentforge.tool.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.resilience.RetryPolicy;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.ToolRegistry;
import dev.agentforge.tool.testing.ManualTime;
import dev.agentforge.tool.testing.MockTool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ComposeTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String QUERY_SCHEMA = """
            {"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}""";
    private static final String URL_SCHEMA = """
            {"type":"object","properties":{"url":{"type":"string"}},"required":["url"]}""";

    private final ToolContext context = new ToolContext("run_1", "call_1", "anonymous");

    private static JsonNode json(String text) {
        return MAPPER.readTree(text);
    }

    @Test
    void sequenceFeedsMappedOutputToNextStep() throws Exception {
        MockTool search = MockTool.builder("search").parameters(QUERY_SCHEMA)
                .respond("{\"query\":\"java\"}", "[{\"url\":\"https://example.org/java\"}]").build();
        MockTool fetch = MockTool.builder("fetch").parameters(URL_SCHEMA)
                .respondWhen(arguments -> true, arguments -> "page at " + arguments.get("url").asString()).build();
        Tool pipeline = Compose.sequence("search_and_fetch", "Searches, then fetches the first hit")
                .first(search)
                .then(fetch, (results, original) -> MAPPER.createObjectNode().put("url", results.at("/0/url").asString()))
                .build();

        Object result = pipeline.execute(json("{\"query\":\"java\"}"), context);

        assertThat(result).isEqualTo("page at https://example.org/java");
        assertThat(pipeline.parameters()).isEqualTo(search.parameters());
        fetch.assertCalledWith("{\"url\":\"https://example.org/java\"}");
        assertThat(ToolRegistry.of(pipeline).specifications()).hasSize(1);
    }

    @Test
    void sequenceRejectsInputThatBreaksStepSchema() {
        MockTool search = MockTool.builder("search").parameters(QUERY_SCHEMA).defaultResponse("{\"count\":3}").build();
        MockTool fetch = MockTool.builder("fetch").parameters(URL_SCHEMA).defaultResponse("page").build();
        Tool pipeline = Compose.sequence("broken", "Maps nothing").first(search).then(fetch).build();

        assertThatThrownBy(() -> pipeline.execute(json("{\"query\":\"java\"}"), context))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("step 2 (fetch) of broken");
        fetch.assertNotCalled();
    }

    @Test
    void parallelKeepsOtherResultsWhenOneFails() throws Exception {
        MockTool news = MockTool.builder("news").defaultResponse("{\"headline\":\"rates unchanged\"}").build();
        MockTool weather = MockTool.builder("weather").defaultResponse(arguments -> {
            throw new ToolException("weather service down");
        }).build();
        Tool both = Compose.parallel("briefing", "News and weather at once").tool(news).tool(weather).build();

        JsonNode result = (JsonNode) both.execute(json("{}"), context);

        assertThat(result.at("/news/headline").asString()).isEqualTo("rates unchanged");
        assertThat(result.at("/weather/error").asString()).isEqualTo("weather service down");
    }

    @Test
    void parallelRunsBranchesConcurrently() throws Exception {
        CountDownLatch bothStarted = new CountDownLatch(2);
        Tool left = Tool.builder("left").description("Waits for right").handler((arguments, ctx) -> {
            bothStarted.countDown();
            return bothStarted.await(10, TimeUnit.SECONDS) ? "left" : "alone";
        }).build();
        Tool right = Tool.builder("right").description("Waits for left").handler((arguments, ctx) -> {
            bothStarted.countDown();
            return bothStarted.await(10, TimeUnit.SECONDS) ? "right" : "alone";
        }).build();
        Tool both = Compose.parallel("both", "Runs left and right").tool(left).tool(right)
                .combiner(results -> results.get("left").asString() + "+" + results.get("right").asString()).build();

        assertThat(both.execute(json("{}"), context)).isEqualTo("left+right");
    }

    @Test
    void conditionalPicksFirstMatchingBranch() throws Exception {
        MockTool small = MockTool.builder("small").defaultResponse("small").build();
        MockTool large = MockTool.builder("large").defaultResponse("large").build();
        Tool route = Compose.conditional("route", "Routes by size")
                .when(arguments -> arguments.path("size").asInt() > 100, large)
                .otherwise(small)
                .parameters(json("{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"integer\"}}}"))
                .build();

        assertThat(route.execute(json("{\"size\":500}"), context)).isEqualTo("large");
        assertThat(route.execute(json("{\"size\":5}"), context)).isEqualTo("small");
    }

    @Test
    void conditionalWithoutMatchTellsTheModel() {
        Tool route = Compose.conditional("route", "Handles only large sizes")
                .when(arguments -> arguments.path("size").asInt() > 100, MockTool.builder("large").defaultResponse("x").build())
                .build();

        assertThatThrownBy(() -> route.execute(json("{\"size\":5}"), context))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("No branch of tool 'route'");
    }

    @Test
    void transformMapsTheResult() throws Exception {
        MockTool prices = MockTool.builder("prices").defaultResponse("{\"eur\":10,\"usd\":11}").build();
        Tool euros = Compose.transform("euro_price", "The price in euros", prices, result -> result.get("eur").asInt() + " EUR");

        assertThat(euros.execute(json("{}"), context)).isEqualTo("10 EUR");
    }

    @Test
    void retryUsesThePolicy() throws Exception {
        List<Duration> waits = new ArrayList<>();
        MockTool flaky = MockTool.builder("flaky").errorRate(1.0).defaultResponse("never").build();
        Tool retried = Compose.retry(flaky, RetryPolicy.builder("flaky").maxAttempts(3).sleeper(waits::add).build());

        assertThatThrownBy(() -> retried.execute(json("{}"), context)).hasMessage("injected failure");
        flaky.assertCalledTimes(3);
        assertThat(waits).hasSize(2);
    }

    @Test
    void timeoutCancelsTheInnerCall() throws Exception {
        ManualTime time = new ManualTime();
        AtomicReference<ToolContext> inner = new AtomicReference<>();
        CountDownLatch interrupted = new CountDownLatch(1);
        Tool hang = Tool.builder("hang").description("Never returns").handler((arguments, ctx) -> {
            inner.set(ctx);
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "never";
        }).build();
        Tool limited = Compose.timeout(hang, Duration.ofSeconds(2), time);
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(limited.execute(json("{}"), context));
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> inner.get() != null);

        time.advance(Duration.ofSeconds(2));

        assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOf(ToolException.class).withMessageContaining("timed out after 2s");
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(inner.get().cancellation().isCancelled()).isTrue();
    }

    @Test
    void cacheKeysOnCanonicalArgumentsAndExpires() throws Exception {
        ManualTime time = new ManualTime();
        MockTool lookup = MockTool.builder("lookup").defaultResponse("value").build();
        CachingTool cached = Compose.cache(lookup, Duration.ofMinutes(5), 100, time);

        cached.execute(json("{\"a\":1,\"b\":{\"y\":2,\"x\":1}}"), context);
        cached.execute(json("{\"b\":{\"x\":1,\"y\":2},\"a\":1}"), context);
        lookup.assertCalledTimes(1);

        time.advance(Duration.ofMinutes(5));
        cached.execute(json("{\"a\":1,\"b\":{\"x\":1,\"y\":2}}"), context);

        lookup.assertCalledTimes(2);
        assertThat(cached.hits()).isEqualTo(1);
        assertThat(cached.misses()).isEqualTo(2);
    }

    @Test
    void cacheKeepsOnlySuccesses() throws Exception {
        MockTool failing = MockTool.builder("failing").errorRate(1.0).build();
        CachingTool cached = Compose.cache(failing, Duration.ofMinutes(5), 100, new ManualTime());

        assertThatThrownBy(() -> cached.execute(json("{}"), context)).isInstanceOf(ToolException.class);
        assertThatThrownBy(() -> cached.execute(json("{}"), context)).isInstanceOf(ToolException.class);

        failing.assertCalledTimes(2);
    }
}
