package io.purgeline.alert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.purgeline.contracts.Codec;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Posts each notification as JSON to one URL, in the shape the receiver expects: the whole {@link Notification}
 * ({@code generic}), or the text message of a Slack incoming webhook, a DingTalk robot or a Feishu (Lark) bot.
 * A send counts only if answered 2xx and, for DingTalk and Feishu, which answer 200 with an error code, code 0.
 */
final class WebhookSink implements Sink {
    enum Format { GENERIC, SLACK, DINGTALK, FEISHU }

    private final HttpClient client;
    private final URI url;
    private final Format format;
    private final Duration timeout;
    private final Codec codec;

    WebhookSink(HttpClient client, URI url, Format format, Duration timeout, Codec codec) {
        this.client = client;
        this.url = url;
        this.format = format;
        this.timeout = timeout;
        this.codec = codec;
    }

    @Override
    public String name() {
        return "webhook";
    }

    String body(Notification n) {
        String text = n.title() + "\n" + n.text();
        return codec.toJson(switch (format) {
            case GENERIC -> n;
            case SLACK -> ordered("text", text);
            case DINGTALK -> ordered("msgtype", "text", "text", ordered("content", text));
            case FEISHU -> ordered("msg_type", "text", "content", ordered("text", text));
        });
    }

    /** A JSON object with its fields in the order given, so that the same notification is always the same body. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    @Override
    public void send(Notification n) throws Exception {
        ContentResponse r = client.newRequest(url).method(HttpMethod.POST)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .body(new StringRequestContent("application/json", body(n)))
                .send();
        if (r.getStatus() / 100 != 2) {
            throw new IllegalStateException("webhook " + url.getHost() + " answered " + r.getStatus() + ": "
                    + AlertRecorder.cut(r.getContentAsString(), 200));
        }
        if (format == Format.DINGTALK || format == Format.FEISHU) {
            String code = errorCode(r.getContentAsString());
            if (code != null) {
                throw new IllegalStateException("webhook " + url.getHost() + " refused the message: "
                        + AlertRecorder.cut(r.getContentAsString(), 200));
            }
        }
    }

    /** DingTalk answers {@code {"errcode": 0}}, Feishu {@code {"code": 0}}; anything else non-zero is a refusal. */
    private static String errorCode(String body) {
        try {
            JsonElement e = JsonParser.parseString(body);
            if (!e.isJsonObject()) {
                return null;
            }
            JsonObject o = e.getAsJsonObject();
            for (String field : new String[] {"errcode", "code", "StatusCode"}) {
                if (o.has(field) && o.get(field).isJsonPrimitive() && !"0".equals(o.get(field).getAsString())) {
                    return o.get(field).getAsString();
                }
            }
            return null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }
}
