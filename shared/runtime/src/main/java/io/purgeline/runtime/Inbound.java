package io.purgeline.runtime;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.CodecException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/** A delivered message, with decoding that turns a bad body into a {@link PoisonMessageException}. */
public final class Inbound {
    private final Message message;

    public Inbound(Message message) {
        this.message = message;
    }

    public Message message() {
        return message;
    }

    public String type() {
        return message.getMessageProperties().getType();
    }

    public String messageId() {
        return message.getMessageProperties().getMessageId();
    }

    public String correlationId() {
        return message.getMessageProperties().getCorrelationId();
    }

    public boolean redelivered() {
        Boolean r = message.getMessageProperties().isRedelivered();
        return r != null && r;
    }

    public byte[] body() {
        return message.getBody();
    }

    public String header(String name) {
        Object v = message.getMessageProperties().getHeaders().get(name);
        return v == null ? null : v.toString();
    }

    public <T> T decode(Codec codec, Class<T> type) {
        MessageProperties p = message.getMessageProperties();
        try {
            return codec.decode(message.getBody(), p.getContentEncoding(), type);
        } catch (CodecException e) {
            throw new PoisonMessageException(e.code(), e.getMessage(), e);
        }
    }

    /** As {@link #decode}, refusing fields the type does not have: for messages from outside purgeline. */
    public <T> T decodeStrict(Codec codec, Class<T> type) {
        MessageProperties p = message.getMessageProperties();
        try {
            return codec.decodeStrict(message.getBody(), p.getContentEncoding(), type);
        } catch (CodecException e) {
            throw new PoisonMessageException(e.code(), e.getMessage(), e);
        }
    }
}
