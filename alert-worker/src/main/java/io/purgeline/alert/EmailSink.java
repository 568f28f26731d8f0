package io.purgeline.alert;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.Properties;

/** Sends each notification as a plain-text e-mail over SMTP (Eclipse Angus Mail), within the sink timeout. */
final class EmailSink implements Sink {
    private final Session session;
    private final SinkSettings settings;
    private final InternetAddress from;
    private final InternetAddress[] to;

    EmailSink(SinkSettings settings) throws Exception {
        this.settings = settings;
        Properties p = new Properties();
        p.put("mail.smtp.host", settings.smtpHost());
        p.put("mail.smtp.port", Integer.toString(settings.smtpPort()));
        String timeout = Long.toString(settings.timeout().toMillis());
        // Without these, a silent SMTP server holds the send for ever.
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        p.put("mail.smtp.auth", Boolean.toString(settings.smtpUser() != null));
        p.put("mail.smtp.starttls.enable", Boolean.toString(settings.smtpStartTls()));
        p.put("mail.smtp.starttls.required", Boolean.toString(settings.smtpStartTls()));
        this.session = Session.getInstance(p);
        this.from = new InternetAddress(settings.emailFrom(), true);
        this.to = settings.emailTo().stream().map(EmailSink::address).toArray(InternetAddress[]::new);
    }

    private static InternetAddress address(String a) {
        try {
            return new InternetAddress(a, true);
        } catch (jakarta.mail.internet.AddressException e) {
            throw new IllegalArgumentException("PURGELINE_ALERT_EMAIL_TO: '" + a + "' is not an e-mail address", e);
        }
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void send(Notification n) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(from);
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(n.title(), "UTF-8");
        m.setSentDate(new Date());
        StringBuilder body = new StringBuilder(n.text()).append("\n\n");
        body.append("kind: ").append(n.kind()).append('\n');
        body.append("subject: ").append(n.subject()).append('\n');
        body.append("severity: ").append(n.severity()).append('\n');
        if (n.source() != null) {
            body.append("raised by: ").append(n.source()).append('\n');
        }
        body.append("at: ").append(n.at()).append('\n');
        m.setText(body.toString(), "UTF-8");
        if (settings.smtpUser() != null) {
            Transport.send(m, settings.smtpUser(), settings.smtpPassword());
        } else {
            Transport.send(m);
        }
    }
}
