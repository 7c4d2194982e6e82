package dev.agentforge.monitor.alert;

import java.net.URI;

/** Masks secrets for logs and {@code toString}: webhook URLs carry their token in the path. */
public final class Secrets {

    /** What stands in place of a secret. */
    public static final String MASK = "****";

    private Secrets() {
    }

    /**
     * Returns the URL's scheme, host and port with the user info, path and query masked, such as
     * {@code https://hooks.slack.com/****}.
     */
    public static String maskUrl(URI url) {
        if (url == null) {
            return "null";
        }
        StringBuilder masked = new StringBuilder();
        masked.append(url.getScheme()).append("://").append(url.getHost());
        if (url.getPort() != -1) {
            masked.append(':').append(url.getPort());
        }
        return masked.append('/').append(MASK).toString();
    }

    /** Returns {@code text} with every occurrence of each non-empty secret replaced by {@link #MASK}. */
    public static String redact(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }
}
