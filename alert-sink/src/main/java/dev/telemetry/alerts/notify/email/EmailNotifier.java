package dev.telemetry.alerts.notify.email;

import dev.telemetry.alerts.notify.AlertText;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.GroupSummary;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.alerts.notify.Notifier;
import jakarta.mail.Authenticator;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Sends each notification as an e-mail with a text and an HTML part (every value HTML-escaped)
 * over SMTP with Angus Mail. The idempotency key goes in a {@code Message-ID}-like header so a
 * repeat can be recognised. Connection and server (4xx) failures are retried; a refused address or
 * failed login is permanent. Reasons never carry the password.
 */
public final class EmailNotifier implements Notifier.Grouped {

    /** The idempotency key, so that a mail filter can drop a repeat. */
    public static final String IDEMPOTENCY_HEADER = "X-Idempotency-Key";

    private final EmailConfig config;
    private final Session session;

    public EmailNotifier(EmailConfig config) {
        this.config = config;
        Properties props = new Properties();
        String timeout = String.valueOf(config.timeout().toMillis());
        props.put("mail.smtp.host", config.host());
        props.put("mail.smtp.port", String.valueOf(config.port()));
        props.put("mail.smtp.connectiontimeout", timeout);
        props.put("mail.smtp.timeout", timeout);
        props.put("mail.smtp.writetimeout", timeout);
        boolean auth = config.username() != null && !config.username().isBlank();
        props.put("mail.smtp.auth", String.valueOf(auth));
        if (config.startTls()) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        this.session = Session.getInstance(props, auth ? new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(config.username(), config.password() == null ? "" : config.password());
            }
        } : null);
    }

    @Override
    public String name() {
        return config.name();
    }

    /**
     * One e-mail per group. A single alert is its own subject; a group's subject is its summary's
     * title (the count per state), its body the summary (the first few, "and N more") and then those
     * first few in full.
     */
    @Override
    public DeliveryResult deliver(Notification notification) {
        if (notification.alerts().size() == 1 && notification.storm() == null) {
            AlertText text = AlertText.of(notification.alerts().get(0));
            return send(text.headline(), text.plain(), "<html><body>" + section(text) + "</body></html>", notification.idempotencyKey());
        }
        GroupSummary summary = GroupSummary.of(notification);
        List<AlertText> shown = notification.storm() != null ? List.of()
                : notification.alerts().stream().sorted(GroupSummary.ORDER).limit(GroupSummary.SHOWN).map(AlertText::of).toList();
        String plainText = summary.plain() + shown.stream().map(t -> "\n" + t.plain()).collect(Collectors.joining());
        StringBuilder html = new StringBuilder("<html><body><h2>").append(escape(summary.title())).append("</h2><ul>");
        summary.lines().forEach(line -> html.append("<li>").append(escape(line)).append("</li>"));
        html.append("</ul>");
        if (summary.more() > 0) {
            html.append("<p>").append(escape(summary.moreText())).append("</p>");
        }
        if (!summary.seeAt().isEmpty()) {
            html.append("<p>See all: ").append(escape(summary.seeAt())).append("</p>");
        }
        shown.forEach(text -> html.append("<hr>").append(section(text)));
        return send(summary.title(), plainText, html.append("</body></html>").toString(), notification.idempotencyKey());
    }

    private DeliveryResult send(String subject, String plainText, String htmlText, String idempotencyKey) {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(config.from()));
            for (String to : config.to()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSubject(subject, StandardCharsets.UTF_8.name());
            message.setSentDate(new Date());
            message.setHeader(IDEMPOTENCY_HEADER, idempotencyKey);
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(plainText, StandardCharsets.UTF_8.name());
            MimeBodyPart html = new MimeBodyPart();
            html.setContent(htmlText, "text/html; charset=utf-8");
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(plain);
            alternative.addBodyPart(html);
            message.setContent(alternative);
            Transport.send(message);
            return DeliveryResult.delivered();
        } catch (AuthenticationFailedException e) {
            return new DeliveryResult.Permanent("SMTP login refused");
        } catch (SendFailedException e) {
            return new DeliveryResult.Permanent("SMTP refused the message or an address: " + scrub(e.getMessage()));
        } catch (MessagingException e) {
            // Connection failures, timeouts and 4xx replies are transient in SMTP's own terms.
            return new DeliveryResult.Retryable("SMTP failed: " + scrub(e.getMessage()));
        }
    }

    private String scrub(String message) {
        String text = message == null ? "" : message;
        return config.password() == null || config.password().isEmpty() ? text : text.replace(config.password(), "<redacted>");
    }

    /** One alert as HTML, every value escaped. */
    static String section(AlertText text) {
        StringBuilder html = new StringBuilder()
                .append("<h2>").append(escape(text.headline())).append("</h2>");
        if (!text.summary().isEmpty()) {
            html.append("<p>").append(escape(text.summary())).append("</p>");
        }
        html.append("<p><b>").append(escape(text.value())).append("</b><br>").append(escape(text.since())).append("</p>")
                .append("<p>Labels: <code>").append(escape(text.labels())).append("</code></p>");
        if (!text.runbook().isEmpty()) {
            String href = text.runbook().startsWith("https://") || text.runbook().startsWith("http://") ? text.runbook() : "#";
            html.append("<p><a href=\"").append(escape(href)).append("\">Runbook</a></p>");
        }
        return html.toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return config.name() + " (email via " + config.host() + ":" + config.port() + ")";
    }
}
