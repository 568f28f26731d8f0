package io.purgeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignaturesTest {
    @Test
    void theSignatureCoversMethodPathTimestampAndBody() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String sig = Signatures.sign("s3cret", "POST", "/v1/tasks", 1700000000L, body);
        // hex(HMAC-SHA256("s3cret", "POST\n/v1/tasks\n1700000000\n" + hex(SHA256("{}"))))
        assertThat(sig).isEqualTo(Signatures.hmacHex("s3cret", "POST\n/v1/tasks\n1700000000\n"
                + "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
        assertThat(Signatures.sign("s3cret", "POST", "/v1/tasks", 1700000001L, body)).isNotEqualTo(sig);
        assertThat(Signatures.sign("other", "POST", "/v1/tasks", 1700000000L, body)).isNotEqualTo(sig);
        assertThat(Signatures.sign("s3cret", "POST", "/v1/tasks?x=1", 1700000000L, body)).isNotEqualTo(sig);
    }

    @Test
    void hmacsAreRfc4231sWhateverKeyTheThreadUsedBefore() {
        String rfc4231Case2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assertThat(Signatures.hmacHex("Jefe", "what do ya want for nothing?")).isEqualTo(rfc4231Case2);
        String other = Signatures.hmacHex("another key", "what do ya want for nothing?");
        assertThat(other).isNotEqualTo(rfc4231Case2);
        assertThat(Signatures.hmacHex("Jefe", "what do ya want for nothing?")).isEqualTo(rfc4231Case2);
        assertThat(Signatures.hmacHex("another key", "what do ya want for nothing?")).isEqualTo(other);
    }

    @Test
    void aBodyHashDoesNotCarryOverFromTheThreadsHashBefore() {
        String emptyObject = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
        assertThat(Signatures.sha256Hex("{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(emptyObject);
        assertThat(Signatures.sha256Hex("abc".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // FIPS 180-2
        assertThat(Signatures.sha256Hex("{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(emptyObject);
    }

    @Test
    void callbackTokensMatchOnlyTheirSubtask() {
        String token = Signatures.callbackToken("k", "task@edge-1");
        assertThat(Signatures.matches(token, Signatures.callbackToken("k", "task@edge-1"))).isTrue();
        assertThat(Signatures.matches(token, Signatures.callbackToken("k", "task@edge-2"))).isFalse();
        assertThat(Signatures.matches(token, null)).isFalse();
    }
}
