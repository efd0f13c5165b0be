package dev.telemetry.alerts.notify.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** E-mail over real SMTP: GreenMail on a free port receives what the notifier sends. */
class EmailNotifierTest {

    private static final String PASSWORD = "smtpPa55wordSecret";

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("sink", PASSWORD));

    private static EmailNotifier notifier(String password) {
        return new EmailNotifier(new EmailConfig("mail", "127.0.0.1", SMTP.getSmtp().getPort(), "sink", password,
                "alerts@example.com", List.of("oncall@example.com"), false, Duration.ofSeconds(5)));
    }

    @Test
    void shouldSendTextAndHtmlPartsWhenAlertFires() throws Exception {
        DeliveryResult result = notifier(PASSWORD).deliver(Alerts.firing("fp-1", List.of()), "fp-1:firing:2024-05-01T10:00:00Z");

        assertThat(result).isEqualTo(DeliveryResult.delivered());
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage mail = received[0];
        assertThat(mail.getSubject()).isEqualTo("[FIRING] HighErrorRate on shop (high)");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
        assertThat(mail.getHeader(EmailNotifier.IDEMPOTENCY_HEADER)[0]).isEqualTo("fp-1:firing:2024-05-01T10:00:00Z");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(GreenMailUtil.getBody(parts.getBodyPart(0)).replace("\r\n", "\n").strip()).isEqualTo("""
                [FIRING] HighErrorRate on shop (high)
                Error rate above 5%
                error_rate mean is 0.07, threshold > 0.05
                firing since 2024-05-01 10:00 UTC
                Labels: alertname=HighErrorRate, app=shop, severity=high
                Runbook: https://runbooks.example/error-rate""");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(GreenMailUtil.getBody(parts.getBodyPart(1))).contains("<h2>[FIRING] HighErrorRate on shop (high)</h2>")
                .contains("threshold &gt; 0.05").contains("<a href=\"https://runbooks.example/error-rate\">Runbook</a>");
    }

    @Test
    void shouldEscapeEverythingInTheHtmlPartWhenLabelsContainMarkup() throws Exception {
        AlertEvent alert = new AlertEvent(AlertEvent.SCHEMA_VERSION, "fp-x", AlertStatus.FIRING, "<script>alert(1)</script>", "m",
                "mean", Map.of("app", "\"><img src=x>"), 1, 0, "gt", "high", List.of(),
                Map.of("runbook_url", "javascript:alert(1)"), Alerts.STARTS_AT, null, Alerts.STARTS_AT);

        notifier(PASSWORD).deliver(alert, "k");

        MimeMultipart parts = (MimeMultipart) SMTP.getReceivedMessages()[0].getContent();
        String html = GreenMailUtil.getBody(parts.getBodyPart(1));
        assertThat(html).doesNotContain("<script>").doesNotContain("<img").doesNotContain("javascript:")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").contains("&quot;&gt;&lt;img src=x&gt;");
    }

    @Test
    void shouldFailPermanentlyWithoutThePasswordWhenTheLoginIsRefused() {
        DeliveryResult result = notifier("wrong-" + PASSWORD).deliver(Alerts.firing("fp-1", List.of()), "k");

        assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
        assertThat(result.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void shouldSendOneEmailForTheGroupWhenTheNotificationHasSeveralAlerts() throws Exception {
        Map<String, String> group = Map.of("alertname", "HighErrorRate", "app", "shop");
        var notification = dev.telemetry.alerts.notify.Notification.of(dev.telemetry.alerts.notify.Notification.groupKey(group), group,
                List.of(Alerts.firing("fp-1", List.of()), Alerts.resolved("fp-2", List.of())), "");

        DeliveryResult result = notifier(PASSWORD).deliver(notification);

        assertThat(result).isEqualTo(DeliveryResult.delivered());
        assertThat(SMTP.getReceivedMessages()).hasSize(1);
        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[FIRING:1] [RESOLVED:1] alertname=HighErrorRate, app=shop: 2 alerts");
        String html = GreenMailUtil.getBody(((MimeMultipart) mail.getContent()).getBodyPart(1));
        assertThat(html).contains("<h2>[FIRING] HighErrorRate on shop (high)</h2>").contains("<h2>[RESOLVED] HighErrorRate on shop (high)</h2>");
    }
}
