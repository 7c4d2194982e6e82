package dev.agentforge.server.alert;

import dev.agentforge.monitor.alert.AlertChannel;
import dev.agentforge.monitor.alert.AlertDeliveryException;
import dev.agentforge.monitor.alert.Notice;
import dev.agentforge.monitor.alert.Secrets;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Sends each notice as a plain-text email over SMTP with Jakarta Mail (Angus Mail). The subject is the
 * notice's title and the body its text. The host and recipients have no defaults. The password never
 * appears in {@link #describe()}, {@link #toString()} or error messages, and Jakarta Mail's debug
 * output stays off, because its protocol trace contains the AUTH exchange.
 */
public final class EmailChannel implements AlertChannel {

    /** The connect, read and write timeout when none is set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The protection of the connection to the SMTP server. */
    public enum Security {
        /** Plain SMTP, for a relay on the same host or a test server. */
        NONE,
        /** SMTP upgraded with STARTTLS, which the server must offer; usually port 587. */
        STARTTLS,
        /** SMTP inside TLS from the start (SMTPS); usually port 465. */
        TLS
    }

    private final String name;
    private final String host;
    private final int port;
    private final Security security;
    private final String username;
    private final String password;
    private final InternetAddress from;
    private final List<InternetAddress> to;
    private final Session session;

    private EmailChannel(Builder builder) {
        this.name = builder.name;
        if (builder.host == null || builder.host.isBlank()) {
            throw new IllegalArgumentException("Missing SMTP host: set it from your configuration; there is no default");
        }
        if (builder.port < 1 || builder.port > 65535) {
            throw new IllegalArgumentException("Invalid SMTP port " + builder.port + ": set a port from 1 to 65535");
        }
        if (builder.to.isEmpty()) {
            throw new IllegalArgumentException("Missing recipients: call to(...) with at least one address");
        }
        if ((builder.username == null) != (builder.password == null)) {
            throw new IllegalArgumentException("Set both an SMTP username and password, or neither");
        }
        this.host = builder.host;
        this.port = builder.port;
        this.security = builder.security;
        this.username = builder.username;
        this.password = builder.password;
        this.from = address(Objects.requireNonNull(builder.from, "from"), "sender");
        List<InternetAddress> recipients = new ArrayList<>();
        for (String address : builder.to) {
            recipients.add(address(address, "recipient"));
        }
        this.to = List.copyOf(recipients);
        this.session = Session.getInstance(properties(builder));
    }

    /** Starts a channel to the SMTP server at {@code host}:{@code port}. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return "smtp " + host + ":" + port + " (" + security + (username != null ? ", user " + username : "")
                + ") to " + to.size() + (to.size() == 1 ? " recipient" : " recipients");
    }

    @Override
    public void send(Notice notice) throws AlertDeliveryException {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
            message.setSubject(notice.title(), StandardCharsets.UTF_8.name());
            message.setText(notice.text(), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(notice.sentAt()));
            message.setHeader("X-AgentForge-Notice", notice.id());
            if (username != null) {
                Transport.send(message, username, password);
            } else {
                Transport.send(message);
            }
        } catch (MessagingException e) {
            throw new AlertDeliveryException("SMTP delivery to " + host + ":" + port + " failed: "
                    + e.getClass().getSimpleName() + ": " + Secrets.redact(String.valueOf(e.getMessage()), password));
        }
    }

    @Override
    public String toString() {
        return "EmailChannel[" + name + ", " + describe() + "]";
    }

    private Properties properties(Builder builder) {
        String protocol = security == Security.TLS ? "smtps" : "smtp";
        String prefix = "mail." + protocol + ".";
        Properties properties = new Properties();
        properties.put("mail.transport.protocol", protocol);
        // Transport.send picks the protocol by address type, so internet addresses must map to it too.
        properties.put("mail.transport.protocol.rfc822", protocol);
        properties.put(prefix + "host", host);
        properties.put(prefix + "port", Integer.toString(port));
        properties.put(prefix + "auth", Boolean.toString(username != null));
        String millis = Long.toString(builder.timeout.toMillis());
        properties.put(prefix + "connectiontimeout", millis);
        properties.put(prefix + "timeout", millis);
        properties.put(prefix + "writetimeout", millis);
        if (security == Security.STARTTLS) {
            properties.put(prefix + "starttls.enable", "true");
            properties.put(prefix + "starttls.required", "true");
        }
        if (security != Security.NONE) {
            properties.put(prefix + "ssl.checkserveridentity", "true");
        }
        return properties;
    }

    private static InternetAddress address(String text, String what) {
        try {
            InternetAddress address = new InternetAddress(text, true);
            address.validate();
            return address;
        } catch (AddressException e) {
            throw new IllegalArgumentException("Invalid " + what + " address " + text + ": " + e.getMessage(), e);
        }
    }

    /** Builds an {@link EmailChannel}; a sender and at least one recipient are required. */
    public static final class Builder {
        private final String host;
        private final int port;
        private String name = "email";
        private Security security = Security.STARTTLS;
        private String username;
        private String password;
        private String from;
        private final List<String> to = new ArrayList<>();
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder(String host, int port) {
            this.host = host;
            this.port = port;
        }

        /** Sets the channel's name in logs; {@code email} by default. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Sets how the connection is protected; STARTTLS by default. */
        public Builder security(Security security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        /** Sets the SMTP login; leave both unset for a server without authentication. */
        public Builder credentials(String username, String password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Sets the sender address. */
        public Builder from(String address) {
            this.from = Objects.requireNonNull(address, "from");
            return this;
        }

        /** Adds recipient addresses. */
        public Builder to(String... addresses) {
            to.addAll(List.of(addresses));
            return this;
        }

        /** Sets the connect, read and write timeout of the SMTP connection. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("Invalid SMTP timeout " + timeout + ": it must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        public EmailChannel build() {
            return new EmailChannel(this);
        }
    }
}
