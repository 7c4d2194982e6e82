package dev.agentforge.monitor.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/** Posts a JSON body for the HTTP channels and turns every failure into a message free of the URL. */
final class JsonPost {

    private JsonPost() {
    }

    /** Creates the client the HTTP channels use by default: it never follows redirects. */
    static HttpClient defaultClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static void post(HttpClient client, URI url, byte[] body, Map<String, String> headers, Duration timeout)
            throws AlertDeliveryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        String secretPart = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        HttpResponse<Void> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new AlertDeliveryException("timed out after " + timeout);
        } catch (IOException e) {
            throw new AlertDeliveryException("request failed: " + e.getClass().getSimpleName() + ": "
                    + Secrets.redact(String.valueOf(e.getMessage()), url.toString(), secretPart));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertDeliveryException("interrupted while sending");
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new AlertDeliveryException("the receiver returned HTTP " + status);
        }
    }

    static URI requireHttpUrl(URI url, String what) {
        if (url == null) {
            throw new IllegalArgumentException("Missing " + what + " URL: set it from your configuration; there is no default");
        }
        String scheme = url.getScheme();
        if ((!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) || url.getHost() == null) {
            throw new IllegalArgumentException("Invalid " + what + " URL " + Secrets.maskUrl(url)
                    + ": it must be an absolute http or https URL with a host");
        }
        return url;
    }
}
