package dev.agentforge.examples.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A health probe for images without {@code curl}, such as the {@code eclipse-temurin} JRE image:
 * {@code java -cp agentforge-demo.jar dev.agentforge.examples.demo.HealthProbe [url]}.
 *
 * <p>It sends {@code GET} to the URL, by default {@code http://127.0.0.1:${PORT:-8080}/health/live},
 * with a timeout of {@value #TIMEOUT_SECONDS} s for connecting and for the response, prints one line,
 * and exits with status 0 when the answer is 200 and 1 otherwise. It uses no proxy and needs nothing
 * beyond the JDK.
 */
public final class HealthProbe {

    /** The timeout for connecting and, separately, for the response, in seconds. */
    public static final int TIMEOUT_SECONDS = 2;

    /** The path probed when no URL is given. */
    public static final String DEFAULT_PATH = "/health/live";

    private static final int DEFAULT_PORT = 8080;

    private HealthProbe() {
    }

    /**
     * Probes the URL in {@code args[0]}, or the default one, and exits with the result of {@link #run}.
     *
     * @param args nothing, or the URL to probe
     */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    /**
     * Probes once and returns the exit status instead of exiting.
     *
     * @param args nothing, or the URL to probe
     * @param env the environment, read for {@code PORT} when no URL is given
     * @param out where the one line of the result goes
     * @return 0 when the URL answered 200, otherwise 1
     */
    static int run(String[] args, Map<String, String> env, PrintStream out) {
        URI uri;
        try {
            uri = target(args, env);
        } catch (IllegalArgumentException e) {
            out.println("UNHEALTHY " + e.getMessage());
            return 1;
        }
        Duration timeout = Duration.ofSeconds(TIMEOUT_SECONDS);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .proxy(HttpClient.Builder.NO_PROXY).followRedirects(HttpClient.Redirect.NEVER).build()) {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                out.println("HEALTHY " + uri + " answered 200");
                return 0;
            }
            out.println("UNHEALTHY " + uri + " answered " + status);
            return 1;
        } catch (IOException e) {
            out.println("UNHEALTHY " + uri + ": " + e.getClass().getSimpleName() + describe(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("UNHEALTHY " + uri + ": interrupted");
            return 1;
        }
    }

    private static URI target(String[] args, Map<String, String> env) {
        if (args.length > 1) {
            throw new IllegalArgumentException("too many arguments; usage: HealthProbe [url]");
        }
        if (args.length == 1) {
            URI uri;
            try {
                uri = URI.create(args[0]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid URL: " + args[0] + "; pass an http or https URL");
            }
            String scheme = uri.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null) {
                throw new IllegalArgumentException("invalid URL: " + args[0] + "; pass an http or https URL");
            }
            return uri;
        }
        String value = env.get("PORT");
        int port = DEFAULT_PORT;
        if (value != null && !value.isBlank()) {
            try {
                port = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid PORT: " + value + "; set a number from 1 to 65535");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("invalid PORT: " + value + "; set a number from 1 to 65535");
            }
        }
        return URI.create("http://127.0.0.1:" + port + DEFAULT_PATH);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? "" : " " + message;
    }
}
